package dev.candor.doctor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The current burst of errors: the latest run of failures with no quiet gap of a minute or more in it,
 * when it is still going on (its last failure at most {@link #CURRENT} before now). Its main group is the
 * upstream and error type that failed most in it; the burst "began" when that group's first failure came.
 *
 * @param failures the burst's failures, oldest first
 * @param upstream the main group's upstream (null when the failures reached no upstream)
 * @param error the main group's error type
 * @param began the main group's first failure
 * @param firstOfAll the burst's first failure of any kind (earlier than {@code began} when another group led)
 * @param truncated whether the source may hold older failures of the burst than it gave (a capped list)
 */
record Burst(List<Failure> failures, String upstream, String error, int status, Instant began, Instant firstOfAll,
             Instant last, Map<String, Integer> byError, boolean truncated) {

    /** A gap between two failures this long ends a burst. */
    static final Duration QUIET_GAP = Duration.ofMinutes(1);
    /** A burst whose last failure is older than this is over. */
    static final Duration CURRENT = Duration.ofMinutes(15);

    /** One classified failure, as {@code /api/errors} and the journal give it. */
    record Failure(String requestId, Instant time, int status, String error, String route, String upstream,
                   String endpoint) {
        Failure {
            requireNonNull(time, "time");
            requireNonNull(error, "error");
        }
    }

    Burst {
        failures = List.copyOf(failures);
        byError = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byError));
    }

    /** The failures of the main group (its upstream and error type). */
    List<Failure> main() {
        return failures.stream().filter(f -> f.error().equals(error) && java.util.Objects.equals(f.upstream(), upstream))
                .toList();
    }

    /**
     * The current burst among {@code failures} (any order), or null when there is none.
     *
     * @param complete false when the list was capped, so the burst may have begun before its oldest entry
     */
    static Burst find(List<Failure> failures, Instant now, boolean complete) {
        if (failures.isEmpty()) {
            return null;
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort(Comparator.comparing(Failure::time));
        Failure newest = sorted.get(sorted.size() - 1);
        if (Duration.between(newest.time(), now).compareTo(CURRENT) > 0) {
            return null;
        }
        int start = sorted.size() - 1;
        while (start > 0 && Duration.between(sorted.get(start - 1).time(), sorted.get(start).time()).compareTo(QUIET_GAP) < 0) {
            start--;
        }
        List<Failure> burst = sorted.subList(start, sorted.size());
        Map<String, Integer> groups = new LinkedHashMap<>();
        Map<String, Integer> byError = new LinkedHashMap<>();
        for (Failure f : burst) {
            groups.merge(f.upstream() + "\u0000" + f.error(), 1, Integer::sum);
            byError.merge(f.error(), 1, Integer::sum);
        }
        // The biggest group; between equals, the one that failed last (what is failing now).
        String mainKey = null;
        int most = 0;
        for (int i = burst.size() - 1; i >= 0; i--) {
            Failure f = burst.get(i);
            String key = f.upstream() + "\u0000" + f.error();
            if (groups.get(key) > most) {
                most = groups.get(key);
                mainKey = key;
            }
        }
        Failure first = null;
        for (Failure f : burst) {
            if ((f.upstream() + "\u0000" + f.error()).equals(mainKey)) {
                first = f;
                break;
            }
        }
        Map<String, Integer> ranked = new LinkedHashMap<>();
        byError.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> ranked.put(e.getKey(), e.getValue()));
        boolean truncated = !complete && start == 0;
        return new Burst(burst, first.upstream(), first.error(), first.status(), first.time(), burst.get(0).time(),
                newest.time(), ranked, truncated);
    }
}
