package dev.candor.doctor;

import dev.candor.config.CandorConfig;
import dev.candor.config.UpstreamConfig;

import java.util.List;

/** Advice in Candor's own words: the keys of {@code candor.yaml}, the admin API and {@code kill -HUP}. */
final class CandorTerms implements Terms {

    @Override
    public Check configCheck(CandorConfig config) {
        return ConfigChecks.warnings(config);
    }

    @Override
    public String upstream(UpstreamConfig u) {
        return "upstreams." + u.name();
    }

    @Override
    public String endpoint(UpstreamConfig u, int index) {
        return index >= 0 ? "upstreams." + u.name() + ".endpoints[" + index + "]" : "upstreams." + u.name() + ".dns.srv";
    }

    @Override
    public String namedEndpoint(UpstreamConfig u, int index) {
        return u.name() + "'s endpoint";
    }

    @Override
    public String ownListener() {
        return "Candor's own listener";
    }

    @Override
    public Setting connectTimeout(UpstreamConfig u) {
        return new Setting("timeouts.connect", "upstreams." + u.name() + ".timeouts.connect");
    }

    @Override
    public Setting responseTimeout(UpstreamConfig u) {
        return new Setting("timeouts.response", "upstreams." + u.name() + ".timeouts.response");
    }

    @Override
    public Setting poolIdle(UpstreamConfig u) {
        return new Setting("pool.idle_timeout", "upstreams." + u.name() + ".pool.idle_timeout");
    }

    @Override
    public String noReuse(UpstreamConfig u) {
        return "pool.idle_timeout is 0: connections are not reused, so none can go stale";
    }

    @Override
    public String flush(UpstreamConfig u) {
        return "flush the pool (POST /api/upstreams/" + u.name() + "/pool/flush)";
    }

    @Override
    public String reload() {
        return "reload Candor (kill -HUP)";
    }

    @Override
    public String healthConsequence(UpstreamConfig u) {
        return "Candor will mark it unhealthy after " + u.healthCheck().unhealthyThreshold() + " such checks";
    }

    @Override
    public String healthSettings(UpstreamConfig u) {
        return "the check's expect_status/timeout";
    }

    @Override
    public String tlsSettings(UpstreamConfig u) {
        return "tls.sni, tls.ca";
    }

    @Override
    public String resolverKey() {
        return "dns.resolvers";
    }

    @Override
    public String resolverSettings(String resolvers) {
        return "dns.resolvers (" + resolvers + ") and dns.timeout";
    }

    @Override
    public boolean followsDnsRefresh() {
        return true;
    }

    @Override
    public List<Check> balancerChecks(Targets targets, AdminView admin) {
        return BalancerChecks.of(targets, admin);
    }

    @Override
    public java.util.Map<Section, String> notRun() {
        return java.util.Map.of();
    }

    @Override
    public String restartOrder(List<String> upstreams) {
        String pools = upstreams.isEmpty() ? "its upstreams" : String.join(", ", upstreams);
        return "restart order: bring the backend up first and wait until `candor doctor` shows its health"
                + " check passing; then flush Candor's pools for " + pools
                + " (POST /api/upstreams/NAME/pool/flush on the admin address, or reload with kill -HUP)"
                + " so no connection from before the restart is reused; restart Candor itself only if that is"
                + " not enough";
    }
}
