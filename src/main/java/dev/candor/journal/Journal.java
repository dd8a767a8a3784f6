package dev.candor.journal;

import dev.candor.config.JournalConfig;
import dev.candor.event.Event;
import dev.candor.event.EventSink;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.observe.FailureTree;
import dev.candor.observe.RequestJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * The journal: failures with their evidence, per-minute request counts and events, kept in one SQLite
 * file across restarts. The event loops only count in memory and offer to a bounded queue (a full queue
 * drops and counts); one writer thread writes in batches, enforces retention, and marks the run stopped
 * on a clean shutdown. When the file cannot be written, Candor goes on serving: rows are dropped and
 * counted, and the problem is logged once and shown in {@code /api/status}.
 */
public final class Journal implements EventSink, RequestJournal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("candor.journal");
    /** Rows waiting for the writer; past this they are dropped. */
    static final int QUEUE = 8192;
    private static final int BATCH = 512;
    /** How often counts reach the disk (and the run shows a sign of life). */
    private static final long COUNTS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long RETAIN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final JournalConfig config;
    private final Clock clock;
    private final BlockingQueue<Object> queue;
    private final MinuteCounts counts = new MinuteCounts();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private volatile JournalStore store;
    private volatile long run = -1;
    /** Why the journal cannot be written right now, or null while it can. */
    private volatile String problem;
    private volatile boolean problemLogged;
    /** When the writer last tried to open the file again (System.nanoTime). */
    private long lastReopen = System.nanoTime();

    private Journal(JournalConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.queue = config.enabled() ? new ArrayBlockingQueue<>(QUEUE) : null;
        this.writer = config.enabled() ? new Thread(this::writeLoop, "candor-journal") : null;
    }

    /** A journal that keeps nothing ({@code journal: off}). */
    public static Journal off() {
        return new Journal(JournalConfig.OFF, Clock.systemUTC());
    }

    /**
     * Opens (or creates) the file and starts the writer. Never fails: a file that cannot be opened
     * leaves a journal that drops every row and says why in {@link #status()}.
     */
    public static Journal open(JournalConfig config, Clock clock) {
        requireNonNull(config, "config");
        requireNonNull(clock, "clock");
        Journal j = new Journal(config, clock);
        if (!config.enabled()) {
            return j;
        }
        try {
            j.store = JournalStore.open(config.path());
            j.run = j.store.startRun(clock.millis(), ProcessHandle.current().pid());
            log.info("journal {} (keep {}, max_size {} bytes)", config.path(), config.keep(), config.maxSize());
        } catch (SQLException | RuntimeException e) {
            j.failed(e);
            j.closeStore();
        }
        j.writer.setDaemon(true);
        j.writer.start();
        return j;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** This process's run in the file, or -1 when it could not be opened (or is off). */
    public long run() {
        return run;
    }

    public Path path() {
        return config.path();
    }

    @Override
    public void record(Event event) {
        offer(requireNonNull(event, "event"));
    }

    @Override
    public void ended(String route, String upstream, int status, ErrorType error, FailureReport report) {
        if (!config.enabled()) {
            return;
        }
        counts.count(clock.millis(), route, upstream, status, error == null ? null : error.token());
        if (report != null) {
            offer(report);
        }
    }

    private void offer(Object row) {
        if (!config.enabled()) {
            return;
        }
        if (closed.get() || !queue.offer(row)) {
            dropped.increment();
        }
    }

    /** What the journal has written and dropped, and why it cannot write, if it cannot. */
    public record Status(boolean enabled, Path path, boolean writing, String problem, long written, long dropped,
                         int queued) {
    }

    public Status status() {
        return new Status(config.enabled(), config.path(), config.enabled() && problem == null, problem,
                written.sum(), dropped.sum(), queue == null ? 0 : queue.size());
    }

    /** Blocks until what was offered so far (and the counts so far) is written or dropped. For tests and tools. */
    public boolean flush(Duration timeout) throws InterruptedException {
        return marker(new Flush(false), timeout);
    }

    /** Blocks until retention has run once now, after writing what was offered so far. */
    public boolean retainNow(Duration timeout) throws InterruptedException {
        return marker(new Flush(true), timeout);
    }

    private boolean marker(Flush f, Duration timeout) throws InterruptedException {
        if (!config.enabled() || closed.get()) {
            return false;
        }
        if (!queue.offer(f, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        return f.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private record Flush(boolean retain, CountDownLatch done) {
        Flush(boolean retain) {
            this(retain, new CountDownLatch(1));
        }
    }

    private void writeLoop() {
        long lastCounts = System.nanoTime();
        long lastRetain = System.nanoTime() - RETAIN_EVERY_NANOS;
        List<Object> batch = new ArrayList<>(BATCH);
        while (!closed.get() || !queue.isEmpty()) {
            Object first;
            try {
                first = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // close() interrupts a sleeping writer: go round once more to write what is left.
                first = queue.poll();
            }
            batch.clear();
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
            }
            long now = System.nanoTime();
            boolean countsDue = now - lastCounts >= COUNTS_EVERY_NANOS || closed.get();
            boolean retainDue = now - lastRetain >= RETAIN_EVERY_NANOS;
            for (Object o : batch) {
                if (o instanceof Flush f) {
                    countsDue = true;
                    retainDue |= f.retain();
                }
            }
            writeBatch(batch, countsDue);
            if (countsDue) {
                lastCounts = now;
            }
            if (retainDue) {
                lastRetain = now;
                retain();
            }
            for (Object o : batch) {
                if (o instanceof Flush f) {
                    f.done.countDown();
                }
            }
        }
    }

    private void writeBatch(List<Object> batch, boolean withCounts) {
        List<Event> events = new ArrayList<>();
        List<JournalStore.FailureRow> failures = new ArrayList<>();
        for (Object o : batch) {
            if (o instanceof Event e) {
                events.add(e);
            } else if (o instanceof FailureReport r) {
                failures.add(row(r));
            }
        }
        List<JournalStore.CountRow> countRows = withCounts ? counts.take(clock.millis()) : List.of();
        int rows = events.size() + failures.size() + countRows.size();
        if (rows == 0 && !withCounts) {
            return;
        }
        JournalStore s = store == null ? reopen() : store;
        if (s == null) {
            dropped.add(rows);
            return;
        }
        try {
            s.write(run, clock.millis(), events, failures, countRows);
            written.add(rows);
            if (problem != null) {
                log.info("journal {}: writing again", config.path());
                problem = null;
                problemLogged = false;
            }
        } catch (SQLException | RuntimeException e) {
            dropped.add(rows);
            failed(e);
            // After a failed write (a full disk) the connection's state is not to be trusted: start afresh.
            closeStore();
        }
    }

    /** Tries the file again, at most every few seconds; null while it still cannot be opened. */
    private JournalStore reopen() {
        long now = System.nanoTime();
        if (now - lastReopen < COUNTS_EVERY_NANOS) {
            return null;
        }
        lastReopen = now;
        try {
            JournalStore s = JournalStore.open(config.path());
            if (run < 0) {
                run = s.startRun(clock.millis(), ProcessHandle.current().pid());
            }
            store = s;
            return s;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    private static JournalStore.FailureRow row(FailureReport r) {
        String evidence;
        try {
            evidence = JournalStore.JSON.writeValueAsString(FailureTree.report(r));
        } catch (RuntimeException e) {
            evidence = "{\"request_id\":\"" + r.requestId() + "\"}";
        }
        return new JournalStore.FailureRow(r.requestId(), r.time().toEpochMilli(), r.status(), r.error().token(),
                r.route(), r.upstream(), evidence);
    }

    private void retain() {
        JournalStore s = store;
        if (s == null) {
            return;
        }
        try {
            long deleted = s.retain(clock.millis(), config.keep().toMillis(), config.maxSize());
            if (deleted > 0) {
                log.debug("journal {}: retention deleted {} row(s)", config.path(), deleted);
            }
        } catch (SQLException | RuntimeException e) {
            failed(e);
        }
    }

    /** Remembers why writing fails (the first reason, which is the telling one); logs it once until writing works again. */
    private void failed(Exception e) {
        if (problem == null) {
            problem = "cannot write " + config.path() + ": " + e.getMessage() + freeSpace();
        }
        if (!problemLogged) {
            problemLogged = true;
            log.warn("journal {}; Candor keeps serving, and drops the journal's rows until it can write again "
                    + "(see dropped in /api/status)", problem);
        }
    }

    /**
     * The free space of the file's disk, as evidence: SQLite does not always name a full disk (a write
     * that fails for lack of space can surface as a failed commit).
     */
    private String freeSpace() {
        try {
            Path dir = config.path().toAbsolutePath().getParent();
            return dir == null ? "" : " (free space on its file system: "
                    + java.nio.file.Files.getFileStore(dir).getUsableSpace() + " bytes)";
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    private void closeStore() {
        JournalStore s = store;
        store = null;
        if (s != null) {
            try {
                s.close();
            } catch (SQLException e) {
                log.debug("journal close", e);
            }
        }
    }

    /** Writes what is queued, marks this run as stopped cleanly, and closes the file. */
    @Override
    public void close() {
        if (!config.enabled() || !closed.compareAndSet(false, true)) {
            return;
        }
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JournalStore s = store;
        if (s != null && !writer.isAlive()) {
            try {
                s.stopRun(run, clock.millis());
            } catch (SQLException e) {
                failed(e);
            }
        }
        closeStore();
    }
}
