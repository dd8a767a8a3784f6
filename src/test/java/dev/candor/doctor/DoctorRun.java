package dev.candor.doctor;

import dev.candor.cli.Main;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@code candor doctor} run through the real command line (picocli, in this JVM) against a config
 * file written from YAML text: its exit status, its output, and with {@code --json} the parsed checks.
 */
record DoctorRun(int exit, String out, String err, JsonNode json, long millis) {

    static DoctorRun run(Path dir, String yaml, String... args) {
        Path config = dir.resolve("candor.yaml");
        try {
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> argv = new ArrayList<>(List.of("doctor", "-c", config.toString()));
        argv.addAll(List.of(args));
        return execute(argv);
    }

    /** {@code candor doctor --from FILE ARGS...}: another proxy's config file, already written. */
    static DoctorRun from(Path foreignConfig, String... args) {
        List<String> argv = new ArrayList<>(List.of("doctor", "--from", foreignConfig.toString()));
        argv.addAll(List.of(args));
        return execute(argv);
    }

    private static DoctorRun execute(List<String> argv) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int exit = cli.execute(argv.toArray(String[]::new));
        long millis = (System.nanoTime() - start) / 1_000_000;
        JsonNode json = argv.contains("--json") && !out.toString().isBlank()
                ? JsonMapper.builder().build().readTree(out.toString()) : null;
        System.out.println(String.join(" ", argv) + ": exit " + exit + " in " + millis + " ms");
        return new DoctorRun(exit, out.toString(), err.toString(), json, millis);
    }

    /** Every check with this id. */
    List<JsonNode> checks(String id) {
        return StreamSupport.stream(json.get("checks").spliterator(), false)
                .filter(c -> c.get("id").asString().equals(id)).toList();
    }

    /** The one check with this id whose target contains {@code targetPart}. */
    JsonNode check(String id, String targetPart) {
        List<JsonNode> found = checks(id).stream().filter(c -> c.get("target").asString().contains(targetPart)).toList();
        assertThat(found).as("check %s on %s in\n%s%s", id, targetPart, out, err).hasSize(1);
        return found.get(0);
    }

    static String status(JsonNode check) {
        return check.get("status").asString();
    }

    static String error(JsonNode check) {
        return check.get("error").isNull() ? null : check.get("error").asString();
    }

    String verdict() {
        return json.get("verdict").asString();
    }

    List<String> plan() {
        return StreamSupport.stream(json.get("plan").spliterator(), false).map(JsonNode::asString).toList();
    }
}
