package dev.candor.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Reloads when the config file's content changes ({@code candor run --watch}). Polls the content's
 * hash rather than relying on file-system events, which miss the rename-over that editors and
 * Kubernetes ConfigMaps use; and waits until the new content is the same on two polls in a row, so a
 * file caught half written is not loaded. Each content is tried once: a broken file is not retried
 * every second, and the next edit is picked up.
 */
public final class ConfigWatcher implements AutoCloseable {
    private final Reloader reloader;
    private final ScheduledExecutorService timer;
    private String tried;
    private String seen;

    private ConfigWatcher(Reloader reloader) {
        this.reloader = reloader;
        this.tried = reloader.hash();
        this.seen = tried;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "candor-config-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts polling the reloader's file every {@code interval}. */
    public static ConfigWatcher start(Reloader reloader, Duration interval) {
        requireNonNull(reloader.file(), "a config file to watch");
        ConfigWatcher w = new ConfigWatcher(reloader);
        w.timer.scheduleWithFixedDelay(w::poll, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        return w;
    }

    private void poll() {
        String now = Reloader.hashOrNull(reloader.file());
        if (now == null || now.equals(tried)) {
            seen = now;
            return;
        }
        if (now.equals(seen)) {
            tried = now;
            reloader.reload("file change");
            // A reload by other means (SIGHUP, API) may have loaded it already; either way it was tried.
        }
        seen = now;
        if (Objects.equals(reloader.hash(), now)) {
            tried = now;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
