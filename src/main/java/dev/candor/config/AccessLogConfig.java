package dev.candor.config;

/**
 * Where access-log lines go: {@code stdout}, {@code stderr} or a file path; {@code access_log: off}
 * gives {@link #OFF}.
 */
public record AccessLogConfig(boolean enabled, String path) {
    public static final AccessLogConfig OFF = new AccessLogConfig(false, null);
    public static final AccessLogConfig STDOUT = new AccessLogConfig(true, "stdout");
}
