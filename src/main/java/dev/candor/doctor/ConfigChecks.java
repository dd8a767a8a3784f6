package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.client.KeepAliveParity;
import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigWarnings;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.ListenerConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Section 2, "proxy config right?": the config's own warnings (as {@code candor check} prints them),
 * endpoint addresses that cannot be right, and the settings that must fit the backend's measured
 * behaviour: timeouts against observed latency (and the live p99), the pool's idle timeout against the
 * backend's keep-alive timeout, and DNS refresh against the answers' TTLs.
 */
final class ConfigChecks {
    /** Latency above this share of a timeout leaves too little headroom. */
    private static final double HEADROOM = 0.8;
    private static final Set<Integer> NOT_HTTP_PORTS = Set.of(22, 25, 53, 443, 3306, 5432, 6379, 8443, 11211, 27017);

    private ConfigChecks() {
    }

    static List<Check> of(CandorConfig config, Targets targets, List<Resolution> resolutions, List<Probed> probed,
                          AdminView admin, Terms terms) {
        List<Check> out = new ArrayList<>();
        out.add(terms.configCheck(config));
        for (UpstreamConfig u : targets.upstreams()) {
            out.add(endpoints(config, u, terms));
        }
        for (Probed p : probed) {
            if (p.direct() != null) {
                out.add(timeouts(p, admin, terms));
                if (p.direct().failure() == null) {
                    out.add(idle(p, terms));
                }
            }
        }
        for (UpstreamConfig u : terms.followsDnsRefresh() ? targets.upstreams() : List.<UpstreamConfig>of()) {
            Check dns = dns(u, resolutions);
            if (dns != null) {
                out.add(dns);
            }
        }
        return out;
    }

    static Check warnings(CandorConfig config) {
        List<String> warnings = ConfigWarnings.of(config);
        Check.Builder b = Check.of(Section.CONFIG, "config.check", String.valueOf(config.source()))
                .with("routes", config.routes().size()).with("upstreams", config.upstreams().size());
        if (warnings.isEmpty()) {
            return b.pass("valid, no warnings (" + config.routes().size() + " route(s), " + config.upstreams().size() + " upstream(s))");
        }
        return b.with("warnings", warnings)
                .advice(warnings.get(0))
                .confirm("candor check -c " + config.source())
                .step(Step.of(Step.Rank.ROUTE, "resolve what `candor check` warns about: " + String.join("; ", warnings)))
                .warn(warnings.size() + " warning(s) from candor check");
    }

    static Check endpoints(CandorConfig config, UpstreamConfig u, Terms terms) {
        String upstream = terms.upstream(u);
        Check.Builder b = Check.of(Section.CONFIG, "config.endpoints", upstream)
                .with("endpoints", u.endpoints().stream().map(e -> e.address().toString()).toList());
        for (EndpointConfig e : u.endpoints()) {
            HostPort a = e.address();
            for (ListenerConfig l : config.listeners()) {
                boolean samePort = l.address().port() == a.port() && a.port() != 0;
                boolean sameHost = l.address().host().equals(a.host()) || "0.0.0.0".equals(l.address().host())
                        || "::".equals(l.address().host());
                if (samePort && sameHost) {
                    return b.with("listener", l.address().toString())
                            .advice("point " + upstream + " at the backend, not at " + terms.ownListener() + " " + l.address())
                            .step(Step.of(Step.Rank.ROUTE, upstream + " has endpoint " + a
                                    + ", which is " + terms.ownListener() + ": requests would loop"))
                            .fail("endpoint " + a + " is " + terms.ownListener() + " " + l.address() + ": a loop");
                }
            }
            if (config.admin().enabled() && config.admin().address().port() == a.port()
                    && config.admin().address().host().equals(a.host())) {
                return b.with("admin", config.admin().address().toString())
                        .advice("point " + upstream + " at the backend, not at Candor's admin listener")
                        .step(Step.of(Step.Rank.ROUTE, upstream + " has endpoint " + a
                                + ", which is Candor's admin listener"))
                        .fail("endpoint " + a + " is Candor's own admin listener");
            }
            if (a.port() == 0) {
                return b.advice("give " + a + " the backend's real port")
                        .step(Step.of(Step.Rank.BACKEND, "set a real port for endpoint " + a + " of " + upstream))
                        .fail("endpoint " + a + " has port 0");
            }
            if (NOT_HTTP_PORTS.contains(a.port())) {
                return b.advice("port " + a.port() + " usually serves another protocol (or HTTPS): check that " + a
                                + " speaks plain HTTP/1.1")
                        .step(Step.of(Step.Rank.ROUTE, "check that " + a + " of " + upstream + " speaks plain HTTP"))
                        .warn("endpoint " + a + " uses port " + a.port() + ", which usually is not plain HTTP");
            }
        }
        return b.pass(u.endpoints().isEmpty() ? "endpoints come from DNS SRV " + u.dns().srv()
                : u.endpoints().size() + " endpoint(s), addresses plausible");
    }

    static Check timeouts(Probed p, AdminView admin, Terms terms) {
        UpstreamConfig u = p.upstream();
        Duration response = u.timeouts().response();
        DirectExchange.Outcome o = p.direct();
        Terms.Setting setting = terms.responseTimeout(u);
        Check.Builder b = Check.of(Section.CONFIG, "config.timeouts", p.target())
                .with(terms.connectTimeout(u).name(), Fmt.config(u.timeouts().connect()))
                .with(setting.name(), Fmt.config(response));
        long[] connect = ConnectSamples.stats(p.tcp().answeredNanos(false));
        if (connect != null) {
            b.with("connect_max_ms", Fmt.msValue(connect[2]));
        }
        Double p99 = admin == null ? null : admin.p99(u.name(), p.label());
        b.with("live_p99_ms", p99);
        String key = setting.where();
        if (o.failure() != null && o.failure().type() == ErrorType.HTTP_RESPONSE_TIMEOUT) {
            b.with("waited_ms", Fmt.msValue(o.totalNanos() - Math.max(0, o.connectNanos())));
            return b.error(ErrorType.HTTP_RESPONSE_TIMEOUT)
                    .advice("the backend sent no response header while the doctor waited; compare " + key + " ("
                            + Fmt.config(response) + ") with what this request needs, and look at the backend")
                    .step(Step.of(Step.Rank.TIMEOUT, "find out why " + p.label() + " sends no response to "
                            + p.request().path() + " within " + Fmt.ms(o.totalNanos()) + " (" + key + " is " + Fmt.config(response) + ")"))
                    .warn("no response header within " + Fmt.ms(o.totalNanos()) + "; " + key + " is " + Fmt.config(response));
        }
        if (o.failure() != null) {
            return b.pass("not comparable: the direct request failed (see backend.response)");
        }
        long observed = o.headersNanos() - o.connectNanos();
        b.with("observed_ms", Fmt.msValue(observed));
        if (response.isZero()) {
            return b.pass(setting.name() + " is off (0); observed " + Fmt.ms(observed));
        }
        long limit = response.toNanos();
        if (observed >= limit) {
            String raise = Fmt.config(suggest(observed));
            return b.error(ErrorType.HTTP_RESPONSE_TIMEOUT)
                    .advice("raise " + key + " above the backend's latency (at least " + raise
                            + "), or make " + p.request().method() + " " + p.request().path() + " faster")
                    .confirm(timeToFirstByte(p))
                    .step(Step.of(Step.Rank.TIMEOUT, "raise " + key + " from " + Fmt.config(response) + " to at least "
                            + raise + ": the backend took " + Fmt.ms(observed) + " for " + p.request().path()))
                    .warn("the backend took " + Fmt.ms(observed) + " to answer; " + key + " is " + Fmt.config(response)
                            + ": the proxy gives up first (504)");
        }
        if (p99 != null && p99 * 1e6 >= HEADROOM * limit) {
            return b.error(ErrorType.HTTP_RESPONSE_TIMEOUT)
                    .advice("the live p99 (" + p99 + " ms) is within " + Math.round((1 - HEADROOM) * 100) + " % of " + key
                            + ": raise it or find the slow requests")
                    .step(Step.of(Step.Rank.TIMEOUT, "raise " + key + " for " + u.name() + ": p99 is " + p99 + " ms against "
                            + Fmt.config(response)))
                    .warn("live p99 " + p99 + " ms against " + key + " " + Fmt.config(response));
        }
        if (observed >= HEADROOM * limit) {
            return b.error(ErrorType.HTTP_RESPONSE_TIMEOUT)
                    .advice("the backend's latency is close to " + key + ": a little more load and requests time out")
                    .step(Step.of(Step.Rank.TIMEOUT, "give " + key + " headroom: " + Fmt.ms(observed) + " observed against "
                            + Fmt.config(response)))
                    .warn("the backend took " + Fmt.ms(observed) + ", over " + Math.round(HEADROOM * 100) + " % of " + key
                            + " " + Fmt.config(response));
        }
        return b.pass(Fmt.ms(observed) + " to the response header, well within " + setting.name() + " " + Fmt.config(response)
                + (p99 == null ? "" : " (live p99 " + p99 + " ms)"));
    }

    /** A timeout comfortably above an observed latency: twice it, rounded up to a whole second. */
    private static Duration suggest(long observedNanos) {
        long seconds = Math.max(1, (2 * observedNanos + 999_999_999L) / 1_000_000_000L);
        return Duration.ofSeconds(seconds);
    }

    static Check idle(Probed p, Terms terms) {
        UpstreamConfig u = p.upstream();
        Duration idle = u.pool().idleTimeout();
        DirectExchange.Outcome o = p.direct();
        Terms.Setting setting = terms.poolIdle(u);
        String key = setting.where();
        String header = o.header("Keep-Alive");
        Check.Builder b = Check.of(Section.CONFIG, "config.pool_idle", p.target())
                .with(setting.name(), Fmt.config(idle)).with("keep_alive_header", header);
        if (idle.isZero()) {
            return b.pass(terms.noReuse(u));
        }
        if (!o.keepAlive()) {
            return b.with("connection", o.header("Connection"))
                    .pass("the backend closes after each response (Connection: close): nothing is pooled to go stale");
        }
        long advertised = KeepAliveParity.advertisedSeconds(header);
        long backendNanos;
        String how;
        if (advertised > 0) {
            backendNanos = advertised * 1_000_000_000L;
            how = "advertises Keep-Alive: timeout=" + advertised;
        } else if (o.idleCloseNanos() >= 0) {
            backendNanos = o.idleCloseNanos();
            how = "closed an idle connection after " + Fmt.seconds(backendNanos);
            b.with("backend_idle_close_ms", Fmt.msValue(backendNanos));
        } else {
            b.with("watched_idle_ms", p.idleWatchedMillis());
            if (p.idleWatchedMillis() < idle.toMillis()) {
                return b.pass("no keep-alive timeout advertised, and an idle connection stayed open for the "
                        + Fmt.seconds(p.idleWatchedMillis() * 1_000_000) + " watched (" + key + " " + Fmt.config(idle)
                        + " is longer: raise --idle-watch to cover it)");
            }
            return b.pass("no keep-alive timeout advertised, and an idle connection outlived " + key + " "
                    + Fmt.config(idle));
        }
        if (backendNanos <= idle.toNanos()) {
            Duration safe = Duration.ofMillis(Math.max(100, backendNanos / 1_000_000 * 8 / 10));
            return b.error(ErrorType.CONNECTION_TERMINATED)
                    .advice("set " + key + " below the backend's keep-alive timeout, e.g. " + Fmt.config(safe)
                            + " (or raise the backend's), so no pooled connection is reused just as the backend closes it")
                    .confirm(advertised > 0
                            ? ConfirmCommand.curl("-sv -g -o /dev/null", "GET", p.hostHeader(), p.request().path(), p.label(),
                                    p.confirmTls()) + " 2>&1 | grep -i keep-alive"
                            : idleWatch(p))
                    .step(Step.of(Step.Rank.POOL, "lower " + key + " from " + Fmt.config(idle) + " to " + Fmt.config(safe)
                            + ": the backend " + how + ", so pooled connections go stale; then " + terms.flush(u)))
                    .warn("the backend " + how + ", but " + key + " is " + Fmt.config(idle)
                            + ": pooled connections outlive the backend's keep-alive");
        }
        return b.pass("the backend " + how + ", above " + key + " " + Fmt.config(idle));
    }

    static Check dns(UpstreamConfig u, List<Resolution> resolutions) {
        long minTtl = Long.MAX_VALUE;
        boolean named = false;
        for (Resolution r : resolutions) {
            if (r.upstream() == u && r.name() != null) {
                named = true;
                if (r.answer() != null) {
                    minTtl = Math.min(minTtl, r.answer().ttlSeconds());
                }
            }
        }
        if (!named) {
            return null;
        }
        Duration refresh = u.dns().refresh();
        Check.Builder b = Check.of(Section.CONFIG, "config.dns", "upstreams." + u.name())
                .with("dns.refresh", Fmt.config(refresh))
                .with("ttl_s", minTtl == Long.MAX_VALUE ? null : minTtl);
        if (minTtl == Long.MAX_VALUE) {
            return b.pass("no answer to compare dns.refresh " + Fmt.config(refresh) + " with (see backend.dns)");
        }
        if (refresh.isZero() && minTtl > 3600) {
            return b.advice("set upstreams." + u.name() + ".dns.refresh (e.g. 30s): with refresh off, a TTL of " + minTtl
                            + " s means an address change is followed only after " + (minTtl / 3600) + " h")
                    .step(Step.of(Step.Rank.DNS, "set upstreams." + u.name() + ".dns.refresh: the TTL is " + minTtl + " s"))
                    .warn("dns.refresh is off and the TTL is " + minTtl + " s: changes are followed slowly");
        }
        long effective = refresh.isZero() ? minTtl : Math.min(minTtl, refresh.toSeconds());
        return b.pass("names re-resolved every " + effective + " s at most (TTL " + minTtl + " s, dns.refresh "
                + Fmt.config(refresh) + ")");
    }

    /** curl timing the response header of the same request sent straight to the endpoint. */
    private static String timeToFirstByte(Probed p) {
        return ConfirmCommand.curl("-s -g -o /dev/null -w '%{time_starttransfer}s\\n'", p.request().method(), p.hostHeader(),
                p.request().path(), p.label(), p.confirmTls());
    }

    /** One request on a connection then left idle, timed until the backend closes it (nc, or openssl for TLS). */
    private static String idleWatch(Probed p) {
        String request = "printf 'GET " + p.request().path() + " HTTP/1.1\\r\\nHost: " + p.hostHeader() + "\\r\\n\\r\\n'";
        String ip = p.address().getAddress().getHostAddress();
        ConfirmCommand.Tls tls = p.confirmTls();
        String connect = tls == null ? "nc " + ip + " " + p.address().getPort()
                : "openssl s_client -quiet -connect " + p.label()
                  + (HostPort.isIpLiteral(tls.serverName()) ? "" : " -servername " + tls.serverName());
        return "time (" + request + "; sleep 600) | " + connect;
    }
}
