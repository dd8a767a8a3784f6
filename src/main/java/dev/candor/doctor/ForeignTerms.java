package dev.candor.doctor;

import dev.candor.config.CandorConfig;
import dev.candor.config.UpstreamConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Advice in another proxy's words: its directive names and the {@code FILE:LINE} of each (or of the block
 * to add it to), its config test and reload commands.
 */
final class ForeignTerms implements Terms {
    private final ForeignSetup setup;
    private final Map<String, ForeignUpstream> byName = new LinkedHashMap<>();

    ForeignTerms(ForeignSetup setup) {
        this.setup = requireNonNull(setup, "setup");
        setup.upstreams().forEach(u -> byName.put(u.name(), u));
    }

    private ForeignUpstream of(UpstreamConfig u) {
        ForeignUpstream f = byName.get(u.name());
        if (f == null) {
            throw new IllegalArgumentException("no upstream " + u.name() + " was read from " + setup.file());
        }
        return f;
    }

    @Override
    public Check configCheck(CandorConfig config) {
        int servers = setup.upstreams().stream().mapToInt(u -> u.servers().size()).sum();
        Check.Builder b = Check.of(Section.CONFIG, "config.check", setup.file().toString())
                .with("format", setup.proxy()).with("upstreams", setup.upstreams().size()).with("servers", servers)
                .with("not_probed", setup.notProbed().isEmpty() ? null : setup.notProbed())
                .confirm(setup.test());
        String read = "read as " + setup.proxy() + ": " + setup.upstreams().size() + " upstream(s), " + servers
                + " server(s) to probe";
        if (setup.notProbed().isEmpty()) {
            return b.pass(read);
        }
        return b.pass(read + "; " + setup.notProbed().size() + " target(s) not probed (see evidence.not_probed)");
    }

    @Override
    public String upstream(UpstreamConfig u) {
        return of(u).label();
    }

    @Override
    public String endpoint(UpstreamConfig u, int index) {
        return of(u).servers().get(index).directive();
    }

    @Override
    public String namedEndpoint(UpstreamConfig u, int index) {
        return endpoint(u, index);
    }

    @Override
    public String ownListener() {
        return setup.proxy() + "'s own listen address";
    }

    @Override
    public Setting connectTimeout(UpstreamConfig u) {
        return of(u).connect().asTerm();
    }

    @Override
    public Setting responseTimeout(UpstreamConfig u) {
        return of(u).response().asTerm();
    }

    @Override
    public Setting poolIdle(UpstreamConfig u) {
        return of(u).idle().asTerm();
    }

    @Override
    public String noReuse(UpstreamConfig u) {
        return of(u).noReuse();
    }

    @Override
    public String flush(UpstreamConfig u) {
        return "reload " + setup.proxy() + " (" + setup.reload() + ") so no connection from before is reused";
    }

    @Override
    public String reload() {
        return "reload " + setup.proxy() + " (" + setup.test() + " && " + setup.reload() + ")";
    }

    @Override
    public String healthConsequence(UpstreamConfig u) {
        return setup.proxy() + " takes it out of rotation once it fails enough checks in a row";
    }

    @Override
    public String healthSettings(UpstreamConfig u) {
        ForeignUpstream.Health h = of(u).health();
        return h == null ? "the health check" : "the check (" + h.directive() + ")";
    }

    @Override
    public String tlsSettings(UpstreamConfig u) {
        return setup.tlsDirectives();
    }

    @Override
    public String resolverKey() {
        return setup.resolverDirective();
    }

    @Override
    public String resolverSettings(String resolvers) {
        return setup.resolverDirective() + " (" + resolvers + ")";
    }

    @Override
    public boolean followsDnsRefresh() {
        return false;
    }

    @Override
    public List<Check> balancerChecks(Targets targets, AdminView admin) {
        List<Check> out = new ArrayList<>();
        for (UpstreamConfig u : targets.upstreams()) {
            ForeignUpstream f = of(u);
            Check.Builder b = Check.of(Section.BALANCER, "balancer.health_check", f.label());
            if (f.health() != null) {
                out.add(b.with("check", f.health().directive()).with("path", f.health().path())
                        .pass("servers are checked with " + f.health().directive() + ": one that fails leaves rotation"));
            } else if (setup.proxy().equals("nginx")) {
                out.add(b.pass("no active health check (nginx open source has none): a server that fails a request is"
                        + " skipped for its fail_timeout (10s default) after max_fails (1 default) failures"));
            } else {
                out.add(b.advice("add check to the server lines of " + f.label() + " (with option httpchk GET /health for"
                                + " an HTTP check): without it HAProxy keeps sending requests to a server that is down")
                        .step(Step.of(Step.Rank.HEALTH, "add check to the server lines of " + f.label()
                                + ": nothing takes a dead server out of rotation"))
                        .warn("no server line has check: a dead server keeps receiving requests"));
            }
        }
        return out;
    }

    @Override
    public Map<Section, String> notRun() {
        return Map.of(Section.LOGS, "for " + setup.proxy() + "'s own logs, run `candor explain` on them",
                Section.BYPASS, "--url compares through Candor; to compare through " + setup.proxy()
                        + ", send the request with curl to it and to the server the report names",
                Section.CHANGED, setup.proxy() + " keeps no timeline of its changes; compare its config with the last"
                        + " known good one, and run `candor explain` on its logs to see when the errors began");
    }

    @Override
    public String restartOrder(List<String> upstreams) {
        return "restart order: bring the backend up first and wait until `candor doctor --from " + setup.file()
                + "` shows it answering; then reload " + setup.proxy() + " (" + setup.reload() + ") so no connection"
                + " to " + (upstreams.isEmpty() ? "its upstreams" : String.join(", ", upstreams))
                + " from before the restart is reused";
    }
}
