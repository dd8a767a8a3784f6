package dev.candor.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what a test opened, last opened first (clients, then the proxy, then backends), even when a
 * close fails. Put one in a field annotated {@code @AutoClose}.
 */
public final class Cleanup implements AutoCloseable {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Registers {@code resource} and returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int guard = 0; guard < 10_000 && !opened.isEmpty(); guard++) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
