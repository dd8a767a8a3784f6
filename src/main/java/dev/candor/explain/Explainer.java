package dev.candor.explain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One run of {@code candor explain}: tells each file's format from its first lines, reads nginx's and Apache
 * httpd's error and access logs side by side ({@link Join}) and every other log on its own, and hands each
 * failure to a {@link Sink} as soon as it is known. One pass over each file, flat memory.
 */
public final class Explainer {
    private static final int SAMPLE_LINES = 50;

    /** What a file was read as; {@code format} null when it was not recognised. */
    public record FileFormat(Path file, String format) {
    }

    /** Totals of one run. */
    public record Totals(List<FileFormat> files, long lines, long unrecognized, long recovered) {

        /** Whether no file had a format this command reads. */
        public boolean nothingRead() {
            return files.stream().allMatch(f -> f.format() == null);
        }
    }

    private Explainer() {
    }

    /**
     * @param only the {@code --format} given, or null for auto
     * @throws IOException when a file cannot be read (the run cannot go on)
     */
    public static Totals run(List<Path> files, Proxy only, Sink sink) throws IOException {
        Counts counts = new Counts();
        List<FileFormat> formats = new ArrayList<>();
        Map<Shape, List<Path>> byShape = new EnumMap<>(Shape.class);
        for (Path f : files) {
            Shape s = detect(f, only);
            formats.add(new FileFormat(f, s == null ? null : describe(s)));
            if (s == null) {
                counts.lines += countLines(f);
                counts.unrecognized += countLines(f);
            } else {
                byShape.computeIfAbsent(s, k -> new ArrayList<>()).add(f);
            }
        }
        long recovered = 0;
        List<Path> combined = byShape.getOrDefault(Shape.COMBINED, List.of());
        Proxy combinedBy = combinedProxy(only, byShape);
        for (Proxy p : List.of(Proxy.NGINX, Proxy.APACHE)) {
            List<Path> errorLogs = byShape.getOrDefault(p == Proxy.NGINX ? Shape.NGINX_ERROR : Shape.APACHE_ERROR, List.of());
            List<Path> accessLogs = p == combinedBy ? combined : List.of();
            if (errorLogs.isEmpty() && accessLogs.isEmpty()) {
                continue;
            }
            try (ErrorSource errors = new ErrorSource(p, errorLogs, counts)) {
                Join join = new Join(p, errors, sink, counts);
                join.read(accessLogs);
                recovered += join.recovered();
            }
        }
        for (Shape s : List.of(Shape.HAPROXY, Shape.ENVOY, Shape.CANDOR)) {
            for (Path f : byShape.getOrDefault(s, List.of())) {
                single(f, s, sink, counts);
            }
        }
        return new Totals(formats, counts.lines, counts.unrecognized, recovered);
    }

    private static void single(Path file, Shape shape, Sink sink, Counts counts) throws IOException {
        try (LogLines in = new LogLines(file)) {
            while (in.next()) {
                counts.lines++;
                if (in.overlong()) {
                    counts.unrecognized++;
                    continue;
                }
                if (in.blank()) {
                    continue;
                }
                try {
                    Failure f = switch (shape) {
                        case HAPROXY -> HaproxyLog.read(in);
                        case ENVOY -> EnvoyLog.read(in);
                        case CANDOR -> CandorLog.read(in);
                        case NGINX_ERROR, APACHE_ERROR, COMBINED -> throw new IllegalStateException("joined, not single: " + shape);
                    };
                    if (f != null) {
                        sink.accept(f);
                    }
                } catch (Unreadable e) {
                    counts.unrecognized++;
                }
            }
        }
    }

    /** The combined log is nginx's unless Apache httpd's error log came with it or --format says so. */
    private static Proxy combinedProxy(Proxy only, Map<Shape, List<Path>> byShape) {
        if (only == Proxy.APACHE || only == Proxy.NGINX) {
            return only;
        }
        return byShape.containsKey(Shape.APACHE_ERROR) && !byShape.containsKey(Shape.NGINX_ERROR) ? Proxy.APACHE : Proxy.NGINX;
    }

    private static String describe(Shape s) {
        return switch (s) {
            case NGINX_ERROR -> "nginx error log";
            case APACHE_ERROR -> "Apache httpd error log";
            case COMBINED -> "combined access log";
            case HAPROXY -> "HAProxy httplog";
            case ENVOY -> "Envoy access log";
            case CANDOR -> "Candor access log";
        };
    }

    static Shape detect(Path file, Proxy only) throws IOException {
        List<String> sample = new ArrayList<>();
        try (LogLines in = new LogLines(file)) {
            while (sample.size() < SAMPLE_LINES && in.next()) {
                if (!in.overlong() && !in.blank()) {
                    sample.add(in.latin1());
                }
            }
        }
        return Shape.of(sample, only);
    }

    private static long countLines(Path file) throws IOException {
        long n = 0;
        try (LogLines in = new LogLines(file)) {
            while (in.next()) {
                n++;
            }
        }
        return n;
    }
}
