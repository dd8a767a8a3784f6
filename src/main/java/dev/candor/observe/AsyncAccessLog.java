package dev.candor.observe;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.async.AsyncLoggerConfig;
import org.apache.logging.log4j.core.async.AsyncLoggerConfigDelegate;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;

/**
 * An access log written by a Log4j2 async logger in a {@link LoggerContext} of its own, so that
 * several proxies in one JVM keep separate files and the global context for diagnostics is untouched.
 */
final class AsyncAccessLog implements AccessLog {

    private static final String LOGGER_NAME = "access";
    private static final String APPENDER_NAME = "out";
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    private static final long ENQUEUE_TIMEOUT_SECONDS = 5;

    private final LoggerContext context;
    private final AsyncLoggerConfig logger;
    private final AsyncLoggerConfigDelegate ringBuffer;
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether it writes to a file (which {@link #reopen} reopens) rather than a console stream. */
    private final boolean file;

    private AsyncAccessLog(LoggerContext context, AsyncLoggerConfig logger, AsyncLoggerConfigDelegate ringBuffer,
                           boolean file) {
        this.file = file;
        this.context = context;
        this.logger = logger;
        this.ringBuffer = ringBuffer;
    }

    static AsyncAccessLog console(boolean stderr) {
        ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
        // no flush per line: the appender flushes when the writer thread reaches the end of a batch
        builder.add(builder.newAppender(APPENDER_NAME, "Console")
                .addAttribute("target", stderr ? "SYSTEM_ERR" : "SYSTEM_OUT")
                .addAttribute("immediateFlush", false)
                .add(builder.newLayout("PatternLayout").addAttribute("pattern", "%m%n").addAttribute("charset", "UTF-8")));
        return start(stderr ? "stderr" : "stdout", builder, null);
    }

    static AsyncAccessLog file(Path file) {
        ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
        // The file appender is made in code rather than by the builder, so that it can reopen the file.
        return start(file.toString(), builder, ReopenableFileAppender.of(APPENDER_NAME, file));
    }

    /**
     * @param fileAppender the appender to add once the context runs, or null when the builder has one
     *     named {@link #APPENDER_NAME}
     */
    private static AsyncAccessLog start(String target, ConfigurationBuilder<BuiltConfiguration> builder,
                                        ReopenableFileAppender fileAppender) {
        // the name only labels the context; it is never registered with Log4j2's context selector
        String name = "candor-access-log[" + target + "]";
        builder.setConfigurationName(name);
        // The ring buffer size is Log4j2's JVM-wide log4j2.asyncLoggerConfigRingBufferSize: 4096
        // entries by default (about 80 ms of lines at 50k requests/s, roughly 1 MiB per log with the
        // file buffer); lines beyond it are dropped and counted rather than waited for.
        var loggerBuilder = builder.newAsyncLogger(LOGGER_NAME, Level.INFO, false).addAttribute("additivity", false);
        if (fileAppender == null) {
            loggerBuilder.add(builder.newAppenderRef(APPENDER_NAME));
        }
        builder.add(loggerBuilder);
        builder.add(builder.newRootLogger(Level.OFF));
        builder.addComponent(builder.newComponent("AsyncWaitStrategyFactory")
                .addAttribute("class", AccessLogWaitStrategy.class.getName()));

        LoggerContext context = new LoggerContext(name);
        Configuration configuration = builder.build(false);
        context.start(configuration);
        if (fileAppender != null && configuration.getLoggerConfig(LOGGER_NAME) instanceof AsyncLoggerConfig l) {
            // Registered with the configuration too, so that stopping the context flushes and closes it
            // (after the ring buffer has drained into it). Nothing has been logged yet.
            fileAppender.start();
            configuration.addAppender(fileAppender);
            l.addAppender(fileAppender, null, null);
        }
        Appender started = configuration.getAppender(APPENDER_NAME);
        if (!(configuration.getLoggerConfig(LOGGER_NAME) instanceof AsyncLoggerConfig logger)
                || started == null || !started.isStarted()
                || !(configuration.getAsyncWaitStrategyFactory() instanceof AccessLogWaitStrategy)) {
            context.stop(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new IllegalStateException("Log4j2 did not start the access-log writer " + name);
        }
        return new AsyncAccessLog(context, logger, configuration.getAsyncLoggerConfigDelegate(), fileAppender != null);
    }

    @Override
    public void log(AccessLogEntry entry) {
        if (entry == null || closed.get()) {
            dropped.increment();
            return;
        }
        try {
            LogEvent event = Log4jLogEvent.newBuilder()
                    .setLoggerName(LOGGER_NAME)
                    .setLevel(Level.INFO)
                    .setMessage(new AccessLogMessage(entry))
                    .build();
            // Straight to the ring buffer rather than through a Logger: when it is full, a Logger
            // applies the JVM-wide queue-full policy, which blocks the caller by default; an event
            // loop must never wait for the disk, so a full buffer drops the line and counts it.
            if (!ringBuffer.tryEnqueue(event, logger)) {
                dropped.increment();
            }
        } catch (RuntimeException e) {
            // the ring buffer is gone once close() has begun; a late line is dropped, never thrown
            dropped.increment();
        }
    }

    /**
     * Queues a reopen among the lines. When the ring buffer is full the request waits its turn (this is
     * called off the event loops): a reopen must not be dropped the way a line may be.
     */
    @Override
    public CompletableFuture<Optional<Path>> reopen() {
        if (!file) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        ReopenRequest request = new ReopenRequest();
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName(LOGGER_NAME)
                .setLevel(Level.INFO)
                .setMessage(request)
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ENQUEUE_TIMEOUT_SECONDS);
        try {
            while (!closed.get()) {
                if (ringBuffer.tryEnqueue(event, logger)) {
                    return request.done();
                }
                if (System.nanoTime() - deadline > 0) {
                    request.fail(new IllegalStateException("the access-log writer did not take the reopen request"
                            + " within " + ENQUEUE_TIMEOUT_SECONDS + " s (its queue stayed full)"));
                    return request.done();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        } catch (RuntimeException e) {
            // the ring buffer is gone once close() has begun
        }
        request.fail(new IllegalStateException("the access log is closed"));
        return request.done();
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // stopping the context drains the ring buffer into the appender, then flushes and closes it
            context.stop(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "AsyncAccessLog[" + context.getName() + "]";
    }
}
