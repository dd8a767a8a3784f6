package dev.candor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Notices when files change and runs an action: certificate files (renewed by certbot, rotated by a
 * secret manager) today, the config file itself with hot reload. Polls a digest of each file's content
 * on its own daemon thread rather than using {@code WatchService}, because the usual ways of replacing
 * such files — an atomic rename, Kubernetes swapping a {@code ..data} symlink — are exactly the ones
 * directory watches miss or report twice. A file that cannot be read counts as changed once it can be.
 */
public final class FileWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("candor.files");

    private final ScheduledExecutorService timer;

    private FileWatcher(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts a watcher thread; each {@link #watch} sets its own interval. */
    public static FileWatcher start(String name) {
        requireNonNull(name, "name");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "candor-watch-" + name);
            t.setDaemon(true);
            return t;
        });
        return new FileWatcher(timer);
    }

    /**
     * Runs {@code onChange} on the watcher thread whenever the content of any of {@code files} differs
     * from what it was at the previous check (the first check only records it). The action must not block
     * for long: all watches share the thread.
     */
    public void watch(List<Path> files, Duration interval, Runnable onChange) {
        List<Path> watched = List.copyOf(files);
        byte[][] last = {digest(watched)};
        long every = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(() -> {
            byte[] now = digest(watched);
            if (Arrays.equals(now, last[0])) {
                return;
            }
            last[0] = now;
            try {
                onChange.run();
            } catch (RuntimeException e) {
                log.error("reacting to a change of {} failed", watched, e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** One digest over every file's content; a missing or unreadable file contributes its path only. */
    private static byte[] digest(List<Path> files) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path f : files) {
            sha.update(f.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                sha.update(Files.readAllBytes(f));
            } catch (IOException e) {
                sha.update((byte) 0);
            }
        }
        return sha.digest();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
