package dev.candor.admin;

import dev.candor.observe.FailureTree;
import dev.candor.upstream.DnsProvenance;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.Upstream;

import java.util.ArrayList;
import java.util.List;

/** DNS evidence as JSON: the names an upstream follows. */
final class DnsView {
    private DnsView() {
    }

    /** The names an upstream follows, each with its answer in use and its latest failure. */
    static List<Object> sources(Upstream u) {
        List<Object> out = new ArrayList<>();
        for (DnsSource s : u.dnsSources()) {
            out.add(FailureTree.dns(DnsProvenance.ofLookup(s)));
        }
        return out;
    }
}
