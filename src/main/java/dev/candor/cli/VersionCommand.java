package dev.candor.cli;

import picocli.CommandLine.Command;

/** {@code candor version}: version and build info. */
@Command(name = "version", description = "Print version and build information.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        for (String line : new BuildInfo().getVersion()) {
            System.out.println(line);
        }
    }
}
