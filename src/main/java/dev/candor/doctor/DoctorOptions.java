package dev.candor.doctor;

import dev.candor.config.CandorConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What to investigate and with what.
 *
 * @param admin the admin API's base URL, or null
 * @param adminToken bearer token for the admin API, or null
 * @param url a URL served by the proxy, to bypass-compare and to narrow the probes to its upstream, or null
 * @param accessLog Candor's JSON access log, or null
 * @param backendLog a backend's log to join with the access log by request id, or null
 * @param connects TCP connects per endpoint
 * @param idleWatch the longest an idle connection is held open to see when the backend closes it
 * @param journal a journal file to read failures and events from ("What changed"), or null
 */
public record DoctorOptions(CandorConfig config, URI admin, String adminToken, URI url, Path accessLog,
                            Path backendLog, int connects, Duration idleWatch, Path journal) {

    public static final int DEFAULT_CONNECTS = 5;
    public static final Duration DEFAULT_IDLE_WATCH = Duration.ofSeconds(6);

    public DoctorOptions {
        requireNonNull(config, "config");
        requireNonNull(idleWatch, "idleWatch");
        if (connects < 1) {
            throw new IllegalArgumentException("connects must be at least 1, was " + connects);
        }
    }
}
