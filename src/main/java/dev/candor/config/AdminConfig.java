package dev.candor.config;

/**
 * The admin listener: where the API, metrics and dashboard are served, and the bearer token the API
 * asks for. {@code admin: off} gives {@link #OFF}.
 *
 * @param address where to listen; null when disabled
 * @param token the bearer token every API call must carry, or null for none
 */
public record AdminConfig(boolean enabled, HostPort address, String token) {
    public static final HostPort DEFAULT_ADDRESS = new HostPort("127.0.0.1", 9901);
    public static final AdminConfig DEFAULTS = new AdminConfig(true, DEFAULT_ADDRESS, null);
    public static final AdminConfig OFF = new AdminConfig(false, null, null);

    public AdminConfig {
        if (enabled && address == null) {
            throw new IllegalArgumentException("an enabled admin listener needs an address");
        }
        if (token != null && token.isEmpty()) {
            token = null;
        }
    }

    /** {@code toString} must not print the token (configs end up in logs). */
    @Override
    public String toString() {
        return enabled ? "AdminConfig[" + address + (token == null ? "" : ", token set") + "]" : "AdminConfig[off]";
    }
}
