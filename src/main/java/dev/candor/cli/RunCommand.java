package dev.candor.cli;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.config.ConfigProblem;
import dev.candor.config.ConfigWarnings;
import dev.candor.server.CandorServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code candor run}: runs the proxy with a config file until SIGTERM/SIGINT. */
@Command(name = "run", description = "Run the proxy with a config file.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, defaultValue = "candor.yaml", description = "config file (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--watch", description = "reload when the config file changes (besides SIGHUP and POST /api/reload)")
    boolean watch;

    @Override
    public Integer call() {
        CandorConfig c;
        try {
            c = ConfigLoader.load(config);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                System.err.println(p);
            }
            return 1;
        }
        for (String w : ConfigWarnings.of(c)) {
            System.err.println(config + ": warning: " + w);
        }
        CandorServer server;
        try {
            server = CandorServer.start(c);
        } catch (IOException e) {
            System.err.println("candor: " + e.getMessage());
            return 1;
        }
        LiveControl live;
        try {
            live = LiveControl.start(server, c.admin(), config, watch);
        } catch (IOException e) {
            server.close();
            System.err.println("candor: " + e.getMessage());
            return 1;
        }
        System.err.println("candor " + BuildInfo.version() + " serving on " + server.addresses()
                + " (" + server.transportName() + ", " + c.effectiveWorkers() + " event loops)");
        if (live.adminUrl() != null) {
            System.err.println("candor: admin API and dashboard on " + live.adminUrl());
        }
        return ServeLoop.serve(server, c.shutdownGrace(), live::close);
    }
}
