package dev.candor.observe;

import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;

/**
 * Where each finished request is written down beyond the process's memory: counted per minute, and a
 * classified failure kept with its evidence. Called on the event loops: an implementation must not block.
 */
public interface RequestJournal {
    /** Keeps nothing (no journal). */
    RequestJournal NONE = (route, upstream, status, error, report) -> {
    };

    /**
     * @param route the route's name, or null when none matched
     * @param upstream the upstream's name, or null
     * @param error the classified failure, or null when the request did not fail
     * @param report the failure's evidence, or null when the request did not fail
     */
    void ended(String route, String upstream, int status, ErrorType error, FailureReport report);
}
