package dev.candor.doctor;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the doctor takes from another proxy's configuration: its upstreams, its own listen addresses (an
 * upstream pointing at one is a loop) and resolvers, what it could not probe and why, and the proxy's commands.
 *
 * @param proxy {@code nginx} or {@code haproxy}
 * @param resolvers the resolvers the proxy names ({@code host[:port]}), empty for the system's
 * @param resolverDirective the directive that names resolvers, e.g. {@code resolver}
 * @param tlsDirectives the directives that set TLS to upstreams, for advice about a failed handshake
 * @param notProbed {@code FILE:LINE: directive — why}, for each target the doctor cannot reach
 * @param test the command that checks the proxy's config, e.g. {@code nginx -t -c FILE}
 * @param reload the command that makes the proxy read its config again
 */
record ForeignSetup(String proxy, Path file, List<ForeignUpstream> upstreams, List<String> listeners,
                    List<String> resolvers, String resolverDirective, String tlsDirectives, List<String> notProbed,
                    String test, String reload) {

    ForeignSetup {
        requireNonNull(proxy, "proxy");
        requireNonNull(file, "file");
        upstreams = List.copyOf(upstreams);
        listeners = List.copyOf(listeners);
        resolvers = List.copyOf(resolvers);
        notProbed = List.copyOf(notProbed);
    }
}
