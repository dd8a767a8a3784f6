package dev.candor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code candor} command line: run, check, reload, status, doctor, explain, import, demo and version. */
@Command(name = "candor",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.class,
        description = "A reverse proxy and load balancer for HTTP that explains every error it returns.",
        subcommands = {RunCommand.class, CheckCommand.class, ReloadCommand.class, StatusCommand.class, DoctorCommand.class,
                ExplainCommand.class, ImportCommand.class, DemoCommand.class, VersionCommand.class,
                SelfTestCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
