package dev.candor.cli;

import dev.candor.server.CandorServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a started server running until SIGTERM or SIGINT, then drains it within the grace period and
 * exits 0. Signals are handled directly (not through a shutdown hook) so the exit status is ours.
 */
final class ServeLoop {
    private static final Logger log = LoggerFactory.getLogger(ServeLoop.class);

    private ServeLoop() {
    }

    /** Blocks until a stop signal has drained the server; then runs {@code afterStop}. */
    static int serve(CandorServer server, Duration grace, Runnable afterStop) {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            Thread t = new Thread(() -> {
                log.info("stopping: draining in-flight requests (shutdown_grace {})", grace);
                boolean clean = server.shutdownGracefully(grace);
                afterStop.run();
                log.info("stopped{}", clean ? "" : " (grace period elapsed)");
                stopped.countDown();
            }, "candor-shutdown");
            t.start();
        };
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }
}
