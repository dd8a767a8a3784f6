package dev.candor.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Checks {@code listeners}: addresses, names, and that no two listeners claim the same socket. */
final class ListenerValidator {

    private static final ListenerConfig DEFAULT_LISTENER =
            new ListenerConfig("0.0.0.0:8080", new HostPort("0.0.0.0", 8080));

    private final Problems problems;
    private final Values values;
    private final TlsValidator tls;

    ListenerValidator(Problems problems, Values values, TlsValidator tls) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
        this.tls = requireNonNull(tls, "tls");
    }

    List<ListenerConfig> validate(List<RawConfig.Listener> raw) {
        if (raw == null) {
            return List.of(DEFAULT_LISTENER);
        }
        if (raw.isEmpty()) {
            problems.at("listeners", "empty list; remove the key for the default 0.0.0.0:8080, or add a listener");
            return List.of();
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        Map<String, String> pathByName = new HashMap<>();
        Map<HostPort, String> pathByAddress = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = ConfigPath.index("listeners", i);
            RawConfig.Listener listener = raw.get(i);
            if (listener == null) {
                problems.at(path, "empty entry; expected a mapping with 'address'");
                continue;
            }
            if (listener.address == null) {
                problems.missing(path, "address");
                continue;
            }
            String addressPath = ConfigPath.child(path, "address");
            String addressText = values.text(addressPath, listener.address);
            HostPort address = values.hostPort(addressPath, listener.address, 0);
            String namePath = ConfigPath.child(path, "name");
            String name = listener.name == null ? addressText : values.text(namePath, listener.name);
            if (address == null || name == null) {
                continue;
            }
            // Port 0 asks the OS for a fresh ephemeral port each time, so it can never clash.
            String sameAddress = address.port() == 0 ? null : pathByAddress.putIfAbsent(address, path);
            if (sameAddress != null) {
                problems.at(addressPath, "address " + address + " is already used by " + sameAddress);
            }
            if (name.isBlank()) {
                problems.at(namePath, "must not be empty (omit it to name the listener after its address)");
            }
            String earlier = pathByName.putIfAbsent(name, path);
            if (earlier != null) {
                problems.at(listener.name == null ? addressPath : namePath,
                        "duplicate listener name '" + name + "' (also used by " + earlier + "; give each listener a name)");
            }
            ListenerTlsConfig tlsConfig = tls.listener(ConfigPath.child(path, "tls"), listener.tls);
            int redirect = tls.redirect(ConfigPath.child(path, "redirect_to_https"), listener.redirectToHttps,
                    listener.tls != null);
            boolean proxyProtocol = values.bool(ConfigPath.child(path, "proxy_protocol"), listener.proxyProtocol, false);
            listeners.add(new ListenerConfig(name, address, tlsConfig, redirect, proxyProtocol));
        }
        return listeners;
    }
}
