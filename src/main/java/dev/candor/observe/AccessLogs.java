package dev.candor.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.candor.config.AccessLogConfig;

import static java.util.Objects.requireNonNull;

/** Opens the access log a config asks for: nowhere, a console stream, or a file. */
public final class AccessLogs {

    private AccessLogs() {
    }

    /**
     * Opens an independent, asynchronous access log; each call gets its own writer thread and output.
     *
     * @throws UncheckedIOException when the file cannot be opened for appending, with the reason
     */
    public static AccessLog open(AccessLogConfig config) {
        requireNonNull(config, "config");
        if (!config.enabled()) {
            return AccessLog.off();
        }
        String path = config.path();
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("access log is enabled but has no path");
        }
        return switch (path) {
            case "stdout" -> AsyncAccessLog.console(false);
            case "stderr" -> AsyncAccessLog.console(true);
            default -> AsyncAccessLog.file(checkWritable(Path.of(path)));
        };
    }

    // Log4j2 reports an unopenable file on its status logger and then logs nowhere; failing here
    // instead gives the operator the reason at startup.
    private static Path checkWritable(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open access log " + file + ": " + e, e);
        }
    }
}
