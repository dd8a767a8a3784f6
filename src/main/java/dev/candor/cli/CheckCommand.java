package dev.candor.cli;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.config.ConfigProblem;
import dev.candor.config.ConfigWarnings;
import dev.candor.server.NameCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code candor check}: validates a config without starting anything, like {@code nginx -t}. */
@Command(name = "check", description = "Validate a config file: exit 0 if valid, else 1 with every error as FILE:LINE:COL: message.")
final class CheckCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, defaultValue = "candor.yaml", description = "config file (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() {
        try {
            CandorConfig c = ConfigLoader.load(config);
            for (String w : ConfigWarnings.of(c)) {
                System.err.println(config + ": warning: " + w);
            }
            for (NameCheck.Result r : NameCheck.run(c)) {
                if (r.warning()) {
                    System.err.println(config + ": warning: " + r.line());
                } else {
                    System.out.println(config + ": dns: " + r.line());
                }
            }
            for (String line : CertificateSummary.of(c)) {
                System.out.println(config + ": " + line);
            }
            System.out.println(config + ": OK (" + c.listeners().size() + " listener(s), " + c.routes().size()
                    + " route(s), " + c.upstreams().size() + " upstream(s))");
            return 0;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                System.err.println(p);
            }
            System.err.println(config + ": " + e.problems().size() + " error(s)");
            return 1;
        }
    }
}
