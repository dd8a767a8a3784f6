package dev.candor.doctor;

import dev.candor.config.CandorConfig;
import dev.candor.config.UpstreamConfig;

import java.util.List;

/**
 * How advice names what to change: Candor's own config keys, or, with {@code candor doctor --from}, the
 * other proxy's directives and the {@code FILE:LINE} where each is written (or would go). The checks are the
 * same either way; only the words of their advice and plan come from here.
 */
public interface Terms {

    /** Candor's own terms: {@code upstreams.NAME.timeouts.response} and the admin API. */
    Terms CANDOR = new CandorTerms();

    /** A setting as advice names it: its short name (also an evidence key) and where to change it. */
    record Setting(String name, String where) {
    }

    /** The first check of section 2: the config as read, and what it warns about. */
    Check configCheck(CandorConfig config);

    /** An upstream, e.g. {@code upstreams.app}. */
    String upstream(UpstreamConfig u);

    /** An endpoint of an upstream, e.g. {@code upstreams.app.endpoints[0]}; index -1 for an SRV record. */
    String endpoint(UpstreamConfig u, int index);

    /** The endpoint whose name does not resolve, as the DNS advice names it. */
    String namedEndpoint(UpstreamConfig u, int index);

    /** The listener of the proxy itself, which an endpoint must not be (a loop). */
    String ownListener();

    Setting connectTimeout(UpstreamConfig u);

    Setting responseTimeout(UpstreamConfig u);

    Setting poolIdle(UpstreamConfig u);

    /** Why a pooled connection cannot go stale when {@code pool.idle_timeout} is zero (no reuse). */
    String noReuse(UpstreamConfig u);

    /** What drops an upstream's pooled connections now, after its idle timeout was lowered. */
    String flush(UpstreamConfig u);

    /** What makes the proxy read a corrected config. */
    String reload();

    /** What the proxy does to an endpoint that keeps failing its health check. */
    String healthConsequence(UpstreamConfig u);

    /** The settings of the health check, as advice names them. */
    String healthSettings(UpstreamConfig u);

    /** The settings of TLS to an upstream's endpoints. */
    String tlsSettings(UpstreamConfig u);

    /** The setting that names the resolvers, e.g. {@code dns.resolvers}. */
    String resolverKey();

    /** The resolver settings, with the resolvers that were asked. */
    String resolverSettings(String resolvers);

    /** Whether the proxy re-resolves names by {@code dns.refresh}, so its refresh is worth comparing with the TTLs. */
    boolean followsDnsRefresh();

    /** Section 5: how the proxy takes a dead endpoint out of rotation, and with the admin API its live view. */
    List<Check> balancerChecks(Targets targets, AdminView admin);

    /** What the sections that cannot run say instead of their usual hint, e.g. for logs another tool reads. */
    java.util.Map<Section, String> notRun();

    /** The last step of the plan after a backend (re)start: backend first, then the proxy's pools. */
    String restartOrder(List<String> upstreams);
}
