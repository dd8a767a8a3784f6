package dev.candor.testing;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load: {@code requests} GETs spread over {@code connections} keep-alive connections, one
 * thread each, every request with its own {@code X-Request-Id} ({@code load-C-I}) so the access log's
 * lines can be matched to the requests one by one. Runs in the background; the test watches
 * {@link #answered()} to act while it runs, then {@link #await}s the end.
 */
public final class RequestLoad implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final List<String> okIds = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch done;
    private final int requests;

    private RequestLoad(InetSocketAddress address, int connections, int requests, String path) {
        this.requests = requests;
        this.done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            int share = requests / connections + (c < requests % connections ? 1 : 0);
            int client = c;
            Thread t = new Thread(() -> run(address, client, share, path), "request-load-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** Starts the load against {@code address}. */
    public static RequestLoad start(InetSocketAddress address, int connections, int requests, String path) {
        RequestLoad load = new RequestLoad(address, connections, requests, path);
        load.threads.forEach(Thread::start);
        return load;
    }

    private void run(InetSocketAddress address, int client, int share, String path) {
        RawHttp connection = null;
        try {
            for (int i = 0; i < share; i++) {
                String id = "load-" + client + "-" + i;
                try {
                    if (connection == null) {
                        connection = RawHttp.connect(address);
                    }
                    RawResponse r = connection.send(RawHttp.request("GET", path + "?i=" + i, "X-Request-Id: " + id)).read();
                    if (r.status() == 200 && r.complete()) {
                        okIds.add(id);
                    } else {
                        failures.add(id + ": " + r.status() + (r.complete() ? "" : " (incomplete)"));
                    }
                    if ("close".equalsIgnoreCase(r.header("connection"))) {
                        connection.close();
                        connection = null;
                    }
                } catch (RuntimeException e) {
                    failures.add(id + ": " + e);
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
                answered.incrementAndGet();
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
            done.countDown();
        }
    }

    /** Requests that have had their answer (or failed) so far. */
    public int answered() {
        return answered.get();
    }

    /** Waits for every request to be answered; fails when that takes longer than {@code within}. */
    public RequestLoad await(Duration within) throws InterruptedException {
        if (!done.await(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the load of " + requests + " requests did not end within " + within
                    + " (" + answered() + " answered)");
        }
        return this;
    }

    /** The request ids answered 200 with a complete body. */
    public List<String> okIds() {
        synchronized (okIds) {
            return List.copyOf(okIds);
        }
    }

    /** One line per request that did not get a complete 200 (id: status or exception). */
    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** The number of requests the load was asked to send. */
    public int requests() {
        return requests;
    }

    @Override
    public void close() throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
