package dev.candor.admin;

import dev.candor.config.ConfigProblem;
import dev.candor.server.CandorServer;
import dev.candor.upstream.Upstream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executor;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED;

/**
 * Answers one admin request: the dashboard's files without a token, everything else only with the
 * bearer token when the running config sets one. Reloads run on a worker thread (they read a file); the rest
 * reads live state and answers on the admin event loop, which never serves proxy traffic; the endpoints that
 * may read the journal file are {@link JournalEndpoints}.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final String BEARER = "Bearer ";
    private static final long REOPEN_TIMEOUT_SECONDS = 10;

    private final CandorServer server;
    private final Reloader reloader;
    private final ActivityHistory activity;
    private final DashboardAssets assets;
    private final Executor work;
    private final JournalEndpoints journal;
    private final String version;
    private final ExpositionFormats formats = ExpositionFormats.init();

    AdminHandler(CandorServer server, Reloader reloader, ActivityHistory activity, DashboardAssets assets,
                 Executor work, String version) {
        this.server = server;
        this.reloader = reloader;
        this.activity = activity;
        this.assets = assets;
        this.work = work;
        this.journal = new JournalEndpoints(server, work);
        this.version = version;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            Replies.problem(ctx, false, BAD_REQUEST, "bad-request", "the request could not be parsed", Map.of());
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> path = segments(uri.path());
        HttpMethod method = request.method();
        try {
            if (method.equals(HttpMethod.GET) && serveAsset(ctx, keepAlive, path)) {
                return;
            }
            if (!authorized(request)) {
                Replies.problem(ctx, keepAlive, UNAUTHORIZED, "unauthorized",
                        "this admin API needs 'Authorization: Bearer TOKEN' (admin.token)", Map.of(),
                        HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"candor admin\"");
                return;
            }
            if (method.equals(HttpMethod.POST) && crossOrigin(request)) {
                // A web page on another origin may send a POST here without reading the answer (no CORS
                // pre-flight for an empty body); refuse it so a browser tab cannot reload or drain.
                Replies.problem(ctx, keepAlive, FORBIDDEN, "cross-origin",
                        "POST from another origin (" + request.headers().get(HttpHeaderNames.ORIGIN) + ") refused",
                        Map.of());
                return;
            }
            route(ctx, keepAlive, request, path, uri);
        } catch (RuntimeException e) {
            log.error("admin {} {} failed", method, request.uri(), e);
            Replies.problem(ctx, keepAlive, INTERNAL_SERVER_ERROR, "internal-error",
                    "the admin API failed: " + e, Map.of());
        }
    }

    private void route(ChannelHandlerContext ctx, boolean keepAlive, FullHttpRequest request, List<String> p,
                       QueryStringDecoder uri) {
        HttpMethod method = request.method();
        boolean get = method.equals(HttpMethod.GET);
        boolean post = method.equals(HttpMethod.POST);
        if (p.equals(List.of("metrics"))) {
            if (!get) {
                Replies.notAllowed(ctx, keepAlive, "GET");
                return;
            }
            metrics(ctx, keepAlive, uri, request);
            return;
        }
        if (p.equals(List.of("ready"))) {
            if (!get) {
                Replies.notAllowed(ctx, keepAlive, "GET");
                return;
            }
            // For orchestrators and load balancers: 200 when traffic may come, 503 with the reason.
            String notReady = server.notReadyReason();
            if (notReady == null) {
                Replies.json(ctx, keepAlive, OK, Map.of("ready", true));
            } else {
                Replies.problem(ctx, keepAlive, SERVICE_UNAVAILABLE, "not-ready", notReady, Map.of("ready", false));
            }
            return;
        }
        if (p.isEmpty() || !p.get(0).equals("api") || p.size() < 2) {
            Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
            return;
        }
        String what = p.get(1);
        switch (what) {
            case "status" -> {
                if (p.size() != 2) {
                    Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
                } else if (!get) {
                    Replies.notAllowed(ctx, keepAlive, "GET");
                } else {
                    Replies.json(ctx, keepAlive, OK, StatusView.of(server, reloader, version));
                }
            }
            case "activity" -> {
                if (!get) {
                    Replies.notAllowed(ctx, keepAlive, "GET");
                } else {
                    Replies.json(ctx, keepAlive, OK, activity.columns());
                }
            }
            case "errors" -> journal.errors(ctx, keepAlive, get, p, uri);
            case "events" -> journal.events(ctx, keepAlive, get, p, uri);
            case "counts" -> journal.counts(ctx, keepAlive, get, p, uri);
            case "reload" -> {
                if (!post || p.size() != 2) {
                    Replies.notAllowed(ctx, keepAlive, "POST");
                } else {
                    reload(ctx, keepAlive);
                }
            }
            case "upstreams" -> upstreams(ctx, keepAlive, get, post, p, uri);
            case "logs" -> {
                if (p.size() != 3 || !p.get(2).equals("reopen")) {
                    Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
                } else if (!post) {
                    Replies.notAllowed(ctx, keepAlive, "POST");
                } else {
                    reopenLogs(ctx, keepAlive);
                }
            }
            default -> Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
        }
    }

    private void upstreams(ChannelHandlerContext ctx, boolean keepAlive, boolean get, boolean post, List<String> p,
                           QueryStringDecoder uri) {
        if (p.size() == 2) {
            if (get) {
                Replies.json(ctx, keepAlive, OK, UpstreamsView.all(server));
            } else {
                Replies.notAllowed(ctx, keepAlive, "GET");
            }
            return;
        }
        String name = p.get(2);
        Upstream upstream = server.upstreams().get(name);
        if (upstream == null) {
            Replies.notFound(ctx, keepAlive, "no upstream named '" + name + "'");
            return;
        }
        if (p.size() == 3) {
            if (get) {
                Replies.json(ctx, keepAlive, OK, UpstreamsView.upstream(server, upstream));
            } else {
                Replies.notAllowed(ctx, keepAlive, "GET");
            }
            return;
        }
        if (p.size() == 5 && p.get(3).equals("pool") && p.get(4).equals("flush")) {
            if (!post) {
                Replies.notAllowed(ctx, keepAlive, "POST");
                return;
            }
            int idle = server.flush(name);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("upstream", name);
            body.put("idle_connections_closed", idle);
            Replies.json(ctx, keepAlive, OK, body);
            return;
        }
        if (p.size() == 6 && p.get(3).equals("endpoints")
                && (p.get(5).equals("drain") || p.get(5).equals("undrain"))) {
            if (!post) {
                Replies.notAllowed(ctx, keepAlive, "POST");
                return;
            }
            boolean drain = p.get(5).equals("drain");
            String address = p.get(4);
            if (!server.drain(name, address, drain)) {
                Replies.notFound(ctx, keepAlive, "upstream '" + name + "' has no endpoint '" + address + "'");
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("upstream", name);
            body.put("endpoint", address);
            body.put("draining", drain);
            body.put("state", upstream.endpoints().stream().filter(e -> e.label().equals(address))
                    .map(e -> e.health().state().token()).findFirst().orElse(null));
            Replies.json(ctx, keepAlive, OK, body);
            return;
        }
        Replies.notFound(ctx, keepAlive, "no such admin endpoint: " + uri.path());
    }

    private void reload(ChannelHandlerContext ctx, boolean keepAlive) {
        if (reloader.file() == null) {
            Replies.problem(ctx, keepAlive, HttpResponseStatus.CONFLICT, "no-config-file",
                    "this process was started without a config file (candor demo): there is nothing to reload",
                    Map.of());
            return;
        }
        CompletableFuture.supplyAsync(() -> reloader.reload("admin api"), work).whenComplete((result, failure) ->
                ctx.executor().execute(() -> {
                    if (failure != null) {
                        log.error("reload failed", failure);
                        Replies.problem(ctx, keepAlive, INTERNAL_SERVER_ERROR, "internal-error",
                                "the reload failed: " + failure, Map.of());
                    } else if (result.ok()) {
                        Replies.json(ctx, keepAlive, OK, StatusView.reload(result));
                    } else {
                        Map<String, Object> ext = new LinkedHashMap<>();
                        ext.put("errors", result.problems().stream().map(ConfigProblem::toString).toList());
                        Replies.problem(ctx, keepAlive, BAD_REQUEST, "invalid-config",
                                "the config file is invalid; the running config is unchanged ("
                                        + result.problems().size() + " problem(s))", ext);
                    }
                }));
    }

    private void reopenLogs(ChannelHandlerContext ctx, boolean keepAlive) {
        // Queued on the worker thread (the request may wait for room in the access log's queue); answered
        // once the writer has switched files, so a logrotate script that waits for it can compress the old one.
        CompletableFuture.supplyAsync(() -> server.reopenLogs("admin api"), work)
                .thenCompose(f -> f)
                .orTimeout(REOPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .whenComplete((file, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        Throwable why = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        String detail = why instanceof TimeoutException
                                ? "the access-log writer did not switch files within " + REOPEN_TIMEOUT_SECONDS + " s"
                                : String.valueOf(why.getMessage());
                        Replies.problem(ctx, keepAlive, INTERNAL_SERVER_ERROR, "reopen-failed", detail, Map.of());
                        return;
                    }
                    List<Object> reopened = new ArrayList<>();
                    file.ifPresent(f -> {
                        Map<String, Object> log = new LinkedHashMap<>();
                        log.put("log", "access_log");
                        log.put("path", f.toAbsolutePath().toString());
                        reopened.add(log);
                    });
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("reopened", reopened);
                    Replies.json(ctx, keepAlive, OK, body);
                }));
    }

    private void metrics(ChannelHandlerContext ctx, boolean keepAlive, QueryStringDecoder uri, FullHttpRequest request) {
        // Prometheus negotiates OpenMetrics through Accept; ?format=openmetrics forces it for curl.
        String accept = uri.parameters().containsKey("format")
                && uri.parameters().get("format").contains("openmetrics")
                ? "application/openmetrics-text; version=1.0.0" : request.headers().get(HttpHeaderNames.ACCEPT);
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, server.metrics().registry().scrape());
        } catch (IOException e) {
            throw new IllegalStateException("writing metrics to memory failed", e);
        }
        Replies.send(ctx, keepAlive, OK, writer.getContentType(), out.toByteArray(), "no-store");
    }

    private boolean serveAsset(ChannelHandlerContext ctx, boolean keepAlive, List<String> p) {
        String name;
        if (p.isEmpty() || p.equals(List.of("index.html"))) {
            name = "index.html";
        } else if (p.size() == 2 && p.get(0).equals("assets")) {
            name = p.get(1);
        } else {
            return false;
        }
        DashboardAssets.Asset a = assets.get(name);
        if (a == null) {
            return false;
        }
        Replies.send(ctx, keepAlive, OK, a.contentType(), a.bytes(), "no-cache");
        return true;
    }

    private boolean authorized(FullHttpRequest request) {
        // Read from the running config on each request, so a reload can rotate the token.
        String expected = server.config().admin().token();
        if (expected == null) {
            return true;
        }
        byte[] token = expected.getBytes(StandardCharsets.UTF_8);
        String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        // The scheme is case-insensitive (RFC 9110 §11.1); the token is compared in constant time, so
        // the time taken does not reveal how much of it matched.
        if (given == null || given.length() < BEARER.length() || !given.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(token, given.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean crossOrigin(FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (origin == null) {
            return false;
        }
        int scheme = origin.indexOf("://");
        return host == null || scheme < 0 || !origin.substring(scheme + 3).equalsIgnoreCase(host);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Read timeouts and resets by admin clients: nothing to answer, nothing worth a warning.
        log.debug("admin connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static List<String> segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }
}
