package dev.candor.cli;

import dev.candor.foreign.HaproxyConfig;
import dev.candor.foreign.HaproxyImport;
import dev.candor.foreign.NginxConfig;
import dev.candor.foreign.NginxImport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code candor import}: another proxy's config translated into a candor.yaml on stdout (SPEC section 11). */
@Command(name = "import", exitCodeOnInvalidInput = ImportCommand.COULD_NOT_RUN,
        description = {"Translate an nginx or HAProxy configuration into an equivalent candor.yaml on stdout; every"
                + " directive without an equivalent becomes a comment saying so. nginx's `include` files are followed.",
                "Exit status: 0 translated, 3 could not run (unreadable file or syntax error)."})
final class ImportCommand implements Callable<Integer> {
    static final int COULD_NOT_RUN = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "nginx.conf or haproxy.cfg (told apart by their content)")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            out.print(haproxy(file) ? HaproxyImport.translate(HaproxyConfig.parse(file), file.toString())
                    : NginxImport.translate(NginxConfig.parse(file), file.toString()));
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("candor import: could not run: " + file + ": no such file");
            err.flush();
            return COULD_NOT_RUN;
        } catch (IOException e) {
            err.println("candor import: could not run: " + e.getMessage());
            err.flush();
            return COULD_NOT_RUN;
        }
    }

    private static boolean haproxy(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.equals("global") || t.startsWith("frontend ") || t.startsWith("backend ") || t.equals("defaults") || t.startsWith("listen ")
                    && !t.endsWith(";")) {
                return true;
            }
        }
        return false;
    }
}
