package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;
import dev.candor.upstream.DnsFailure;
import dev.candor.upstream.ProbeRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Section 1, "backend up?": each name's DNS answer, the user-space ping of each address with what its
 * failures mean, the configured health-check request and a direct request.
 */
final class BackendChecks {

    private BackendChecks() {
    }

    static List<Check> of(List<Resolution> resolutions, List<Probed> probed, Terms terms) {
        List<Check> out = new ArrayList<>();
        for (Resolution r : resolutions) {
            if (r.name() != null) {
                out.add(dns(r, terms));
            }
        }
        for (Probed p : probed) {
            out.add(tcp(p, terms));
            if (p.health() != null) {
                out.add(health(p, terms));
            }
            if (p.direct() != null && p.upstream().tls() != null) {
                out.add(tls(p, terms));
            }
            if (p.direct() != null && !failedInTls(p)) {
                out.add(response(p));
            }
        }
        return out;
    }

    static Check dns(Resolution r, Terms terms) {
        Check.Builder b = Check.of(Section.BACKEND, "backend.dns", r.target()).with("name", r.name())
                .with("record", r.index() < 0 ? "SRV" : "A/AAAA");
        if (r.failure() != null) {
            DnsFailure f = r.failure();
            String dig = ConfirmCommand.dig(r.name(), f.resolver(), r.index() < 0);
            return b.error(f.errorType()).with("rcode", f.rcode()).with("resolver", f.resolver())
                    .with("lookup_ms", Fmt.msValue(r.lookupNanos())).with("detail", f.detail())
                    .advice(f.timeout()
                            ? "no resolver answered in time: check " + terms.resolverSettings(resolversOf(f)) + ", and that UDP/TCP 53 is open from this host"
                            : "the name does not resolve (" + f.rcode() + "): fix the typo in "
                              + terms.namedEndpoint(r.upstream(), r.index()) + ", create the record, or point "
                              + terms.resolverKey() + " at the resolver that knows it")
                    .confirm(dig)
                    .step(Step.of(Step.Rank.DNS, "make " + r.name() + " resolve from the proxy host (" + dig
                            + " answers " + (f.rcode() == null ? "nothing" : f.rcode()) + " today), or write the endpoint's IP in the config"))
                    .fail(f.detail());
        }
        List<String> addresses = r.answer().addresses(r.index() < 0);
        return b.with("addresses", addresses).with("ttl_s", r.answer().ttlSeconds())
                .with("resolver", r.answer().resolver()).with("lookup_ms", Fmt.msValue(r.lookupNanos()))
                .pass(r.name() + " -> " + String.join(", ", addresses) + " (TTL " + r.answer().ttlSeconds()
                        + " s, from " + r.answer().resolver() + ")");
    }

    private static String resolversOf(DnsFailure f) {
        return f.resolver() == null ? "none reached" : f.resolver();
    }

    static Check tcp(Probed p, Terms terms) {
        ConnectSamples s = p.tcp();
        Check.Builder b = Check.of(Section.BACKEND, "backend.tcp", p.target())
                .with("address", p.label()).with("attempts", s.attempts()).with("connected", s.connected());
        s.failures().forEach((type, n) -> b.with(type.token(), n));
        long[] stats = ConnectSamples.stats(s.answeredNanos(false));
        if (stats != null) {
            b.with("min_ms", Fmt.msValue(stats[0])).with("avg_ms", Fmt.msValue(stats[1])).with("max_ms", Fmt.msValue(stats[2]));
        }
        if (s.connected() == s.attempts()) {
            return b.pass(s.connected() + "/" + s.attempts() + " connects, " + Fmt.ms(stats[0]) + " / "
                    + Fmt.ms(stats[1]) + " / " + Fmt.ms(stats[2]) + " (min / avg / max)");
        }
        ErrorType main = s.mainFailure();
        b.error(main).with("os_error", s.mainError());
        String curl = ConfirmCommand.forFailure(main, "GET", null, "/", p.label());
        b.confirm(curl);
        if (s.connected() > 0) {
            return b.advice("connects fail now and then (" + main.token() + "): look for a backend at its connection"
                            + " limit (listen backlog, max clients) or a flapping network path")
                    .step(Step.of(Step.Rank.NETWORK, "find why " + (s.attempts() - s.connected()) + " of " + s.attempts()
                            + " connects to " + p.label() + " failed (" + main.token() + ")"))
                    .warn((s.attempts() - s.connected()) + "/" + s.attempts() + " connects failed, " + s.connected() + " connected");
        }
        return switch (main) {
            case CONNECTION_REFUSED -> refused(p, b, s, terms);
            case CONNECTION_TIMEOUT -> b.with("connect_timeout", Fmt.config(p.upstream().timeouts().connect()))
                    .advice("no answer at all to " + s.attempts() + " SYNs: the host is down, or a firewall or security"
                            + " group drops packets to port " + p.address().getPort() + " (a closed port would have refused)")
                    .step(Step.of(Step.Rank.NETWORK, "open port " + p.address().getPort() + " from the proxy host to "
                            + p.address().getAddress().getHostAddress() + " (firewall, security group) or bring the host up: SYNs go unanswered"))
                    .fail(s.attempts() + "/" + s.attempts() + " connects unanswered within "
                            + Fmt.config(p.upstream().timeouts().connect()) + " (packets dropped)");
            case DESTINATION_IP_UNROUTABLE -> b
                    .advice("the kernel has no route to " + p.address().getAddress().getHostAddress()
                            + " or a router/firewall answered 'unreachable': check the address and `ip route get "
                            + p.address().getAddress().getHostAddress() + "` on the proxy host")
                    .step(Step.of(Step.Rank.NETWORK, "fix the route from the proxy host to " + p.label()
                            + " (ip route get " + p.address().getAddress().getHostAddress() + ")"))
                    .fail("no route to " + p.label());
            default -> b.advice(main.nextCheck())
                    .step(Step.of(Step.Rank.BACKEND, "connects to " + p.label() + " fail with " + main.token() + ": " + main.nextCheck()))
                    .fail(s.attempts() + "/" + s.attempts() + " connects failed: " + main.summary());
        };
    }

    private static Check refused(Probed p, Check.Builder b, ConnectSamples s, Terms terms) {
        String configKey = terms.endpoint(p.upstream(), p.index());
        long[] rst = ConnectSamples.stats(s.answeredNanos(true));
        b.with("rst_after_ms", rst == null ? null : Fmt.msValue(rst[1]));
        String summary = s.attempts() + "/" + s.attempts() + " connects refused: the host is up but nothing listens on port "
                + p.address().getPort();
        if (p.listeningNearby() != null) {
            String nearby = p.listeningNearby();
            return b.with("listening_nearby", nearby)
                    .advice(nearby + " accepts connections: if this endpoint is meant to be that same service, "
                            + configKey + " has the wrong port or address and should say " + nearby
                            + "; otherwise start the backend on " + p.label())
                    .step(Step.of(Step.Rank.BACKEND, "correct " + configKey + " to " + nearby + " if that is the"
                            + " service it means (" + p.label() + " refuses connections, " + nearby
                            + " accepts them) and " + terms.reload() + "; otherwise start the backend on " + p.label()))
                    .fail(summary + " (" + nearby + " listens)");
        }
        return b.advice("start the backend on " + p.label() + " (is the process running? does it listen on that"
                        + " port and address? `ss -ltnp` on its host), or correct " + configKey)
                .step(Step.restart("start the backend on " + p.label() + ": nothing listens there"))
                .fail(summary);
    }

    static boolean failedInTls(Probed p) {
        return p.direct().failure() != null && p.direct().failure().phase() == dev.candor.failure.Phase.TLS;
    }

    /** Certificates that expire sooner than this are worth a warning. */
    private static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(14);

    /** The TLS handshake of the direct request, with the upstream's SNI, trust and client certificate. */
    static Check tls(Probed p, Terms terms) {
        var config = p.upstream().tls();
        DirectExchange.Outcome o = p.direct();
        String serverName = p.confirmTls().serverName();
        boolean ipName = dev.candor.config.HostPort.isIpLiteral(serverName);
        String openssl = ConfirmCommand.openssl(p.label(), p.confirmTls());
        Check.Builder b = Check.of(Section.BACKEND, "backend.tls", p.target())
                .with("sni", ipName ? null : serverName).with("verify", config.verify())
                .with("ca", config.ca() == null ? null : config.ca().toString());
        if (failedInTls(p)) {
            ErrorType type = o.failure().type();
            return b.error(type).with("detail", o.failure().error()).with("after_ms", Fmt.msValue(o.totalNanos()))
                    .advice(type == ErrorType.TLS_CERTIFICATE_ERROR
                            ? "the certificate was refused (" + o.failure().error() + "): check " + terms.tlsSettings(p.upstream()) + " and the"
                              + " certificate the endpoint serves"
                            : type.nextCheck())
                    .confirm(openssl)
                    .step(Step.of(Step.Rank.BACKEND, "fix TLS to " + p.label() + " (" + type.token() + "): "
                            + o.failure().error()))
                    .fail("TLS handshake failed: " + o.failure().error());
        }
        if (o.failure() != null || o.tls() == null) {
            return b.pass("not reached: the connection failed before the handshake (see backend.tcp)");
        }
        DirectExchange.TlsFacts t = o.tls();
        b.with("handshake_ms", Fmt.msValue(t.handshakeNanos())).with("protocol", t.protocol())
                .with("cipher", t.cipherSuite()).with("certificate", t.peerSubject())
                .with("expires", t.peerNotAfter() == null ? null : t.peerNotAfter().toString());
        String summary = t.protocol() + " " + t.cipherSuite() + " in " + Fmt.ms(t.handshakeNanos())
                + (ipName ? "" : ", SNI " + serverName) + (t.peerSubject() == null ? "" : ", certificate " + t.peerSubject());
        if (t.peerNotAfter() != null && t.peerNotAfter().isBefore(java.time.Instant.now().plus(EXPIRY_WARNING))) {
            return b.error(ErrorType.TLS_CERTIFICATE_ERROR)
                    .advice("renew the certificate of " + p.label() + " before " + t.peerNotAfter()
                            + ": after it, every connection fails with tls_certificate_error")
                    .confirm(openssl + " | openssl x509 -noout -enddate")
                    .step(Step.of(Step.Rank.BACKEND, "renew the TLS certificate of " + p.label() + " (expires "
                            + t.peerNotAfter() + ")"))
                    .warn("the certificate expires " + t.peerNotAfter() + "; " + summary);
        }
        return b.pass(summary);
    }

    static Check health(Probed p, Terms terms) {
        ProbeRecord h = p.health();
        var check = p.upstream().healthCheck();
        Check.Builder b = Check.of(Section.BACKEND, "backend.health", p.target())
                .with("mode", check.mode().name().toLowerCase(java.util.Locale.ROOT))
                .with("path", check.mode() == dev.candor.config.HealthCheckConfig.Mode.HTTP ? check.path() : null)
                .with("expect_status", check.expectStatusFrom() + "-" + check.expectStatusTo())
                .with("timeout", Fmt.config(check.timeout())).with("took_ms", Fmt.msValue(h.latencyNanos()))
                .with("result", h.detail());
        if (h.ok()) {
            return b.pass("health check passes: " + h.detail() + " in " + Fmt.ms(h.latencyNanos()));
        }
        b.error(h.error());
        String host = check.host() != null ? check.host() : p.configured().toString();
        if (check.mode() == dev.candor.config.HealthCheckConfig.Mode.HTTP) {
            b.confirm(ConfirmCommand.curl("-sv -g -o /dev/null --max-time " + Math.max(1, check.timeout().toSeconds() + 1),
                    "GET", host, check.path(), p.label(), p.confirmTls()));
        }
        return b.advice("the endpoint fails the configured health check (" + h.reason() + "): "
                        + terms.healthConsequence(p.upstream()) + "; fix the backend's " + check.path()
                        + " or " + terms.healthSettings(p.upstream()))
                .step(Step.restart("make " + p.label() + " pass its health check (" + h.reason() + "), restarting it if it is stuck"))
                .fail("health check fails: " + h.reason() + (h.error() != null && h.detail() != null ? " (" + h.detail() + ")" : ""));
    }

    static Check response(Probed p) {
        DirectExchange.Outcome o = p.direct();
        DirectExchange.Request req = p.request();
        String host = p.hostHeader();
        Check.Builder b = Check.of(Section.BACKEND, "backend.response", p.target())
                .with("request", req.method() + " " + req.path()).with("host", host);
        if (o.failure() != null) {
            ErrorType type = o.failure().type();
            return b.error(type).with("detail", o.failure().error())
                    .with("after_ms", Fmt.msValue(o.totalNanos()))
                    .advice(type.nextCheck())
                    .confirm(ConfirmCommand.forFailure(type, req.method(), host, req.path(), p.label(), p.confirmTls()))
                    .step(Step.restart("the backend at " + p.label() + " fails " + req.method() + " " + req.path()
                            + " directly (" + type.token() + "): " + type.nextCheck()))
                    .fail("direct request failed: " + type.summary());
        }
        b.with("status", o.status()).with("headers_ms", Fmt.msValue(o.headersNanos() - o.connectNanos()))
                .with("body_bytes", o.bodyBytes()).with("keep_alive", o.keepAlive())
                .with("keep_alive_header", o.header("Keep-Alive"));
        if (o.status() >= 500) {
            return b.advice("the backend itself answers " + o.status() + " without any proxy in between: look at its logs")
                    .confirm(ConfirmCommand.forFailure(ErrorType.HTTP_PROTOCOL_ERROR, req.method(), host, req.path(), p.label(),
                            p.confirmTls()))
                    .step(Step.restart("the backend at " + p.label() + " answers " + o.status() + " to " + req.path()
                            + " on its own: read its log, fix or restart it"))
                    .fail("the backend answers " + o.status() + " directly");
        }
        return b.pass(o.status() + " in " + Fmt.ms(o.headersNanos() - o.connectNanos()) + " (" + o.bodyBytes() + " bytes)");
    }

}
