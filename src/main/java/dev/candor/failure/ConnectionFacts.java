package dev.candor.failure;

/**
 * What is known about the upstream connection an attempt used — the facts that expose the stale
 * keep-alive race ("reused after 5.1 s idle; the upstream closed it").
 *
 * @param reused true when the connection had served requests before this one
 * @param requestsBefore how many requests it had served before this one
 * @param idleMillis how long it sat idle in the pool before this use; 0 for a new connection
 * @param ageMillis how long it had been open when this attempt took it
 * @param closedBy who closed it during this attempt, or null when it did not close
 */
public record ConnectionFacts(boolean reused, int requestsBefore, long idleMillis, long ageMillis, Actor closedBy) {

    /** A short human line, e.g. {@code reused (3 requests before) after 5100 ms idle; closed by upstream}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (reused) {
            b.append("reused connection (").append(requestsBefore).append(requestsBefore == 1 ? " request" : " requests")
                    .append(" before) after ").append(idleMillis).append(" ms idle");
        } else {
            b.append("new connection");
        }
        if (closedBy != null) {
            b.append("; closed by ").append(closedBy.token());
        }
        return b.toString();
    }
}
