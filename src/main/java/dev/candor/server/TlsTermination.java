package dev.candor.server;

import dev.candor.client.TlsSupport;
import dev.candor.event.Event;
import dev.candor.event.EventSink;
import dev.candor.config.CertificateConfig;
import dev.candor.config.CertifiedKey;
import dev.candor.config.FileWatcher;
import dev.candor.config.ListenerTlsConfig;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * TLS termination for one listener: a server context per certificate, chosen by the client's SNI name
 * (exact names first, then {@code *.} wildcards, else the first certificate). The certificates are read
 * again when their files change; a new set replaces the old one for new connections only, so open
 * connections keep their session and nothing is dropped. A file pair that does not load (a key written
 * before its certificate, an expired renewal) leaves the running certificates in place.
 */
final class TlsTermination {
    private static final Logger log = LoggerFactory.getLogger("candor.tls");

    private final String listener;
    private volatile ListenerTlsConfig config;
    private final SslProvider provider;
    private final Clock clock;
    private volatile Mapping<String, SslContext> contexts;
    private final EventSink events;

    private TlsTermination(String listener, ListenerTlsConfig config, SslProvider provider, Clock clock,
                           EventSink events) {
        this.events = events;
        this.listener = listener;
        this.config = config;
        this.provider = provider;
        this.clock = clock;
    }

    /** Builds the contexts from the certificates validated with the config. */
    static TlsTermination start(String listener, ListenerTlsConfig config, SslProvider provider, Clock clock,
                                EventSink events) {
        TlsTermination t = new TlsTermination(requireNonNull(listener, "listener"), requireNonNull(config, "config"),
                provider, clock, requireNonNull(events, "events"));
        List<CertifiedKey> loaded = config.certificates().stream().map(CertificateConfig::loaded).toList();
        t.contexts = t.build(loaded);
        for (CertifiedKey c : loaded) {
            log.info("listener {}: TLS certificate for {} ({}, valid until {}) with {}", listener,
                    String.join(", ", c.names()), c.keyDescription(), c.notAfter(), TlsSupport.describe(provider));
        }
        return t;
    }

    /** Re-reads the certificate files whenever one changes. */
    void watch(FileWatcher watcher, Duration interval) {
        List<Path> files = new ArrayList<>();
        for (CertificateConfig c : config.certificates()) {
            files.add(c.cert());
            files.add(c.key());
        }
        watcher.watch(files, interval, this::reload);
    }

    /** Loads every certificate again; swaps them in only if all load and are valid now. */
    void reload() {
        List<CertifiedKey> loaded = new ArrayList<>();
        Instant now = clock.instant();
        for (CertificateConfig c : config.certificates()) {
            CertifiedKey k;
            try {
                k = CertifiedKey.load(c.cert(), c.key());
            } catch (IllegalArgumentException e) {
                log.warn("listener {}: certificate files changed but cannot be used, keeping the running ones: {}",
                        listener, e.getMessage());
                event(null, "refused", e.getMessage());
                return;
            }
            if (now.isAfter(k.notAfter()) || now.isBefore(k.notBefore())) {
                log.warn("listener {}: the new certificate in {} is not valid now (valid {} to {}), keeping the running ones",
                        listener, c.cert(), k.notBefore(), k.notAfter());
                event(null, "refused", "the new certificate in " + c.cert() + " is not valid now (valid "
                        + k.notBefore() + " to " + k.notAfter() + ")");
                return;
            }
            loaded.add(k);
        }
        try {
            contexts = build(loaded);
        } catch (IllegalStateException e) {
            log.warn("listener {}: reloaded certificates rejected by the TLS library, keeping the running ones: {}",
                    listener, e.getMessage());
            event(null, "refused", e.getMessage());
            return;
        }
        for (CertifiedKey c : loaded) {
            log.info("listener {}: TLS certificate reloaded for {} (valid until {})", listener,
                    String.join(", ", c.names()), c.notAfter());
        }
        event(loaded, "reloaded", null);
    }

    /** Tells the journal how a certificate reload went (the running certificates stay when it was refused). */
    private void event(List<CertifiedKey> loaded, String outcome, String problem) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("listener", listener);
        facts.put("outcome", outcome);
        if (loaded != null) {
            for (CertifiedKey c : loaded) {
                facts.put("certificate " + String.join(", ", c.names()), "valid until " + c.notAfter());
            }
        }
        facts.put("problem", problem);
        events.record(new Event(clock.instant(), Event.CERTIFICATE, listener, loaded != null
                ? "listener " + listener + ": certificate files changed, new certificates in use"
                : "listener " + listener + ": certificate files changed but were refused (" + problem
                + "); the running certificates stay", facts));
    }

    /**
     * Takes the certificates of a reloaded config (already read and checked by the config loader); the
     * listener's other TLS settings are the same, or the reload was refused. New handshakes get them;
     * open connections keep theirs. New files are watched from now on.
     */
    synchronized void reconfigure(ListenerTlsConfig next, FileWatcher watcher, Duration interval) {
        if (next.certificates().equals(config.certificates())) {
            return;
        }
        List<CertifiedKey> loaded = next.certificates().stream().map(CertificateConfig::loaded).toList();
        ListenerTlsConfig previous = config;
        config = next;
        try {
            contexts = build(loaded);
        } catch (IllegalStateException e) {
            config = previous;
            log.warn("listener {}: the reloaded config's certificates are rejected by the TLS library, keeping the"
                    + " running ones: {}", listener, e.getMessage());
            return;
        }
        for (CertifiedKey c : loaded) {
            log.info("listener {}: TLS certificate from the reloaded config for {} (valid until {})", listener,
                    String.join(", ", c.names()), c.notAfter());
        }
        if (watcher != null) {
            watch(watcher, interval);
        }
    }

    /** A new handler for one client connection: reads the SNI name, then installs the matching TLS handler. */
    SniHandler newHandler(long handshakeTimeoutMillis) {
        // Reads the current set at the time of the ClientHello, so a reload reaches every later handshake.
        Mapping<String, SslContext> current = name -> contexts.map(name);
        return new SniHandler(current, 16 * 1024, handshakeTimeoutMillis);
    }

    private Mapping<String, SslContext> build(List<CertifiedKey> certificates) {
        List<SslContext> built = new ArrayList<>();
        for (CertifiedKey c : certificates) {
            built.add(ServerTlsContexts.forCertificate(c, config, provider));
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(built.get(0));
        // Added last to first, so that when two certificates share a name the one listed first wins.
        for (int i = certificates.size() - 1; i >= 0; i--) {
            for (String name : certificates.get(i).names()) {
                if (!NetUtil.isValidIpV4Address(name) && !NetUtil.isValidIpV6Address(name)) { // SNI carries no IPs
                    mapping.add(name, built.get(i));
                }
            }
        }
        return mapping.build();
    }
}
