package dev.candor.client;

/** No connection to the endpoint became free within the wait bound while the pool was at its limit. */
public final class PoolExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int maxConnections;

    PoolExhaustedException(String endpoint, int maxConnections, long waitedMillis) {
        super("pool to " + endpoint + " is at pool.max_connections=" + maxConnections
                + " and no connection freed within " + waitedMillis + "ms", null, false, false);
        this.maxConnections = maxConnections;
    }

    public int maxConnections() {
        return maxConnections;
    }
}
