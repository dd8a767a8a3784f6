package dev.candor.admin;

import dev.candor.failure.FailureReport;
import dev.candor.server.CandorServer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static java.util.Objects.requireNonNull;

/**
 * The admin endpoints that may read the journal file ({@code /api/errors} with {@code since}/{@code until}
 * or an id no longer in memory, {@code /api/events}, {@code /api/counts}): they check the query on the admin event loop, read
 * the file on the admin work thread, and answer back on the event loop.
 */
final class JournalEndpoints {
    private static final Logger log = LoggerFactory.getLogger(JournalEndpoints.class);
    private static final int DEFAULT_ERRORS = 50;
    private static final int DEFAULT_EVENTS = 1000;
    private static final Duration DEFAULT_COUNTS_RANGE = Duration.ofHours(1);

    private final CandorServer server;
    private final Executor work;

    JournalEndpoints(CandorServer server, Executor work) {
        this.server = requireNonNull(server, "server");
        this.work = requireNonNull(work, "work");
    }

    void errors(ChannelHandlerContext ctx, boolean keepAlive, boolean get, List<String> p, QueryStringDecoder uri) {
        if (!get) {
            Replies.notAllowed(ctx, keepAlive, "GET");
            return;
        }
        if (p.size() == 2) {
            int limit = limit(ctx, keepAlive, uri, DEFAULT_ERRORS);
            if (limit < 1) {
                return;
            }
            String since = parameter(uri, "since");
            String until = parameter(uri, "until");
            if (since == null && until == null) {
                Replies.json(ctx, keepAlive, OK, FailuresView.list(server.failures().latest(limit)));
                return;
            }
            Instant now = Instant.now();
            Instant from;
            Instant to;
            try {
                from = JournalView.instant("since", since, now);
                to = JournalView.instant("until", until, now);
            } catch (JournalView.BadParameter e) {
                Replies.problem(ctx, keepAlive, BAD_REQUEST, "bad-parameter", e.getMessage(), Map.of());
                return;
            }
            offload(ctx, keepAlive, () -> JournalView.errors(server, from, to, limit));
        } else if (p.size() == 3) {
            FailureReport r = server.failures().find(p.get(2));
            if (r != null) {
                Replies.json(ctx, keepAlive, OK, FailuresView.report(r));
                return;
            }
            String id = p.get(2);
            CompletableFuture.supplyAsync(() -> {
                try {
                    return JournalView.error(server.journal(), id);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            }, work).whenComplete((found, failure) -> ctx.executor().execute(() -> {
                if (failure != null) {
                    journalFailed(ctx, keepAlive, failure);
                } else if (found == null) {
                    Replies.notFound(ctx, keepAlive, "no failure has request id '" + id + "' in memory"
                            + (server.journal().enabled() ? " or in the journal" : " (the ring keeps the latest"
                            + " failures only, and the journal is off)"));
                } else {
                    Replies.json(ctx, keepAlive, OK, found);
                }
            }));
        } else {
            Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
        }
    }

    void events(ChannelHandlerContext ctx, boolean keepAlive, boolean get, List<String> p, QueryStringDecoder uri) {
        if (!plainGet(ctx, keepAlive, get, p, uri)) {
            return;
        }
        int limit = limit(ctx, keepAlive, uri, DEFAULT_EVENTS);
        if (limit < 1) {
            return;
        }
        Instant now = Instant.now();
        Instant from;
        Instant to;
        try {
            from = JournalView.instant("since", parameter(uri, "since"), now);
            to = JournalView.instant("until", parameter(uri, "until"), now);
        } catch (JournalView.BadParameter e) {
            Replies.problem(ctx, keepAlive, BAD_REQUEST, "bad-parameter", e.getMessage(), Map.of());
            return;
        }
        offload(ctx, keepAlive, () -> JournalView.events(server.journal(), from, to, limit));
    }

    /** True for a GET of exactly {@code /api/NAME}; otherwise answers 404 or 405 and returns false. */
    private static boolean plainGet(ChannelHandlerContext ctx, boolean keepAlive, boolean get, List<String> p,
                                    QueryStringDecoder uri) {
        if (p.size() != 2) {
            Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
            return false;
        }
        if (!get) {
            Replies.notAllowed(ctx, keepAlive, "GET");
            return false;
        }
        return true;
    }

    void counts(ChannelHandlerContext ctx, boolean keepAlive, boolean get, List<String> p, QueryStringDecoder uri) {
        if (!plainGet(ctx, keepAlive, get, p, uri)) {
            return;
        }
        Instant now = Instant.now();
        Instant from;
        Instant to;
        Long step;
        try {
            Instant until = JournalView.instant("until", parameter(uri, "until"), now);
            to = until == null ? now : until;
            Instant since = JournalView.instant("since", parameter(uri, "since"), now);
            from = since == null ? to.minus(DEFAULT_COUNTS_RANGE) : since;
            step = JournalView.step(parameter(uri, "step"));
            if (!from.isBefore(to)) {
                throw new JournalView.BadParameter("since (" + from + ") must be before until (" + to + ")");
            }
        } catch (JournalView.BadParameter e) {
            Replies.problem(ctx, keepAlive, BAD_REQUEST, "bad-parameter", e.getMessage(), Map.of());
            return;
        }
        offload(ctx, keepAlive, () -> JournalView.counts(server.journal(), from, to, step));
    }

    /** A read of the journal file, on the work thread; the reply goes back on the admin loop. */
    private void offload(ChannelHandlerContext ctx, boolean keepAlive, JournalRead read) {
        CompletableFuture.supplyAsync(() -> {
            try {
                return read.get();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, work).whenComplete((body, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                journalFailed(ctx, keepAlive, failure);
            } else {
                Replies.json(ctx, keepAlive, OK, body);
            }
        }));
    }

    @FunctionalInterface
    private interface JournalRead {
        Map<String, Object> get() throws SQLException;
    }

    private void journalFailed(ChannelHandlerContext ctx, boolean keepAlive, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        log.warn("reading the journal failed", cause);
        Replies.problem(ctx, keepAlive, INTERNAL_SERVER_ERROR, "journal-unreadable",
                "cannot read the journal " + server.journal().path() + ": " + cause.getMessage(), Map.of());
    }

    private static String parameter(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The {@code limit} parameter, or {@code fallback}; -1 after answering 400 for a bad one. */
    private static int limit(ChannelHandlerContext ctx, boolean keepAlive, QueryStringDecoder uri, int fallback) {
        String text = parameter(uri, "limit");
        if (text == null) {
            return fallback;
        }
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1) {
            Replies.problem(ctx, keepAlive, BAD_REQUEST, "bad-parameter",
                    "limit must be a whole number >= 1, was '" + text + "'", Map.of());
            return -1;
        }
        return limit;
    }
}
