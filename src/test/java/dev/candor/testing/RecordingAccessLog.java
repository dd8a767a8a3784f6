package dev.candor.testing;

import dev.candor.observe.AccessLog;
import dev.candor.observe.AccessLogEntry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** An access log kept in memory, which tests wait on; it keeps its entries after the server closes it. */
public final class RecordingAccessLog implements AccessLog {
    private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void log(AccessLogEntry entry) {
        entries.add(entry);
    }

    @Override
    public void close() {
    }

    public List<AccessLogEntry> entries() {
        return List.copyOf(entries);
    }

    /** Waits (at most 10 s) for an entry matching {@code predicate} and returns the first one. */
    public AccessLogEntry awaitEntry(Predicate<AccessLogEntry> predicate) {
        return await().atMost(Duration.ofSeconds(10))
                .until(() -> entries.stream().filter(predicate).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    /** Waits for the entry of the request with this X-Request-Id. */
    public AccessLogEntry awaitEntry(String requestId) {
        return awaitEntry(e -> requestId.equals(e.requestId()));
    }

    /** Waits until {@code n} entries were logged; returns them all. */
    public List<AccessLogEntry> awaitEntries(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> entries.size() >= n);
        return entries();
    }
}
