package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Passive health: endpoints that fail real requests in a row are ejected for a while.
 *
 * @param consecutiveFailures failures in a row that eject an endpoint; 0 = outlier detection off
 * @param count5xx whether an upstream's own 5xx responses count as failures (connect failures and
 *                 timeouts always do)
 * @param baseEjection how long the first ejection lasts; each repeat doubles it
 * @param maxEjection the cap on one ejection's length
 * @param maxEjectedPercent never eject more than this share of an upstream's endpoints: an ejection
 *                          happens only while (ejected + 1) × 100 ≤ percent × endpoints, so with 50 one
 *                          endpoint of two may go, and a single endpoint is never ejected below 100
 */
public record OutlierConfig(int consecutiveFailures, boolean count5xx, Duration baseEjection, Duration maxEjection,
                            int maxEjectedPercent) {

    public static final OutlierConfig DEFAULTS =
            new OutlierConfig(5, false, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
    public static final OutlierConfig OFF = new OutlierConfig(0, false, Duration.ZERO, Duration.ZERO, 0);

    public OutlierConfig {
        requireNonNull(baseEjection, "baseEjection");
        requireNonNull(maxEjection, "maxEjection");
    }

    public boolean enabled() {
        return consecutiveFailures > 0;
    }
}
