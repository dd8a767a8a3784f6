package dev.candor.cli;

import dev.candor.admin.AdminServer;
import dev.candor.admin.ConfigWatcher;
import dev.candor.admin.Reloader;
import dev.candor.config.AdminConfig;
import dev.candor.server.CandorServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a running server is operated live: reload on SIGHUP (and, opted in, on file change), reopen the
 * file logs on SIGUSR1, and the admin listener (API, metrics, dashboard) when the config enables it.
 */
final class LiveControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveControl.class);
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    private static final Duration REOPEN_TIMEOUT = Duration.ofSeconds(10);

    private final Reloader reloader;
    private final AdminServer admin;
    private final ConfigWatcher watcher;

    private LiveControl(Reloader reloader, AdminServer admin, ConfigWatcher watcher) {
        this.reloader = reloader;
        this.admin = admin;
        this.watcher = watcher;
    }

    /**
     * @param file the config file to reload, or null when the config was built in code
     * @param watch reload when the file's content changes
     * @throws IOException when the admin listener cannot bind
     */
    static LiveControl start(CandorServer server, AdminConfig adminConfig, Path file, boolean watch)
            throws IOException {
        Reloader reloader = new Reloader(server, file, System::getenv);
        AdminServer admin = adminConfig.enabled()
                ? AdminServer.start(adminConfig, server, reloader, BuildInfo.version()) : null;
        ConfigWatcher watcher = watch && file != null ? ConfigWatcher.start(reloader, WATCH_INTERVAL) : null;
        if (file != null) {
            // Signal handlers run on a thread of their own, so the reload (a file read) blocks nothing else.
            SignalHandler before = Signal.handle(new Signal("HUP"), s -> reloader.reload("SIGHUP"));
            if (before == SignalHandler.SIG_IGN) {
                // The JVM keeps a SIGHUP that was ignored when it started ignored (nohup does that), and
                // takes no handler for it: kill -HUP would do nothing, silently.
                log.warn("SIGHUP is ignored in this process (started under nohup, or by a parent that ignores it),"
                        + " so kill -HUP will not reload {}: use POST /api/reload{}, or start candor without nohup"
                        + " (a service manager, or setsid)", file, watch ? "" : " or candor run --watch");
            }
        }
        // Without a handler SIGUSR1 would end the process (its default action), and it is what logrotate
        // configurations written for nginx send. The handler's thread waits for the writer to switch files.
        Signal.handle(new Signal("USR1"), s -> reopenLogs(server));
        return new LiveControl(reloader, admin, watcher);
    }

    private static void reopenLogs(CandorServer server) {
        try {
            server.reopenLogs("SIGUSR1").get(REOPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // already logged by the server, with the reason
        } catch (TimeoutException e) {
            log.warn("logs reopen (SIGUSR1): the access-log writer did not switch files within {}", REOPEN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Reloader reloader() {
        return reloader;
    }

    /** The dashboard's URL, or null when the admin listener is off. */
    String adminUrl() {
        return admin == null ? null : admin.url() + "/";
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
