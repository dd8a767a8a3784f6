package dev.candor.explain;

import dev.candor.cli.Main;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code candor explain} run in-process through its command line: exit code, output, and the JSON read back. */
record ExplainRun(int exitCode, String out, String err) {

    static ExplainRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "explain";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new ExplainRun(code, out.toString(), err.toString());
    }

    /**
     * Copies the logs a test produced to the directory named by the system property {@code explain.keepLogs}
     * (under a subdirectory {@code name}), when it is set: real logs to look at, or to show in the docs.
     */
    static void keep(String name, java.nio.file.Path... logs) throws java.io.IOException {
        String to = System.getProperty("explain.keepLogs");
        if (to == null) {
            return;
        }
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of(to, name));
        for (java.nio.file.Path log : logs) {
            java.nio.file.Files.copy(log, dir.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    JsonNode json() {
        return JsonMapper.builder().build().readTree(out);
    }

    /** The failures whose {@code uri} starts with {@code prefix}. */
    List<JsonNode> failuresFor(String prefix) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode f : json().get("failures")) {
            if (f.get("uri").asString().startsWith(prefix)) {
                found.add(f);
            }
        }
        return found;
    }
}
