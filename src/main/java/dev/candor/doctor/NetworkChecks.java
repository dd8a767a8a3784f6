package dev.candor.doctor;

import dev.candor.failure.ErrorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 3, "network": the path to each endpoint as the connect samples show it. A refusal is an answer
 * (the host and the path are fine, the port is closed); silence means packets are dropped on the way or
 * the host is gone; "unreachable" means no route. Latency, jitter and loss come from the same samples.
 */
final class NetworkChecks {
    /**
     * Jitter worth a warning: larger than the average round trip and than this many nanoseconds, and not
     * the work of a single slow connect. Below it, variation comes from the hosts' schedulers more than
     * the path, and no timeout cares.
     */
    private static final long JITTER_FLOOR_NANOS = 50_000_000;

    private NetworkChecks() {
    }

    static List<Check> of(List<Probed> probed) {
        List<Check> out = new ArrayList<>();
        for (Probed p : probed) {
            out.add(path(p));
        }
        return out;
    }

    /**
     * The spread between the fastest round trip and the second slowest: one slow connect alone (a
     * scheduler hiccup on either host) is not a jittery path.
     */
    static long steadySpread(long[] nanos) {
        if (nanos.length < 3) {
            return 0;
        }
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length - 2] - sorted[0];
    }

    static Check path(Probed p) {
        ConnectSamples s = p.tcp();
        int answered = s.answeredNanos(true).length;
        int lost = s.attempts() - answered;
        long[] stats = ConnectSamples.stats(s.answeredNanos(true));
        Check.Builder b = Check.of(Section.NETWORK, "network.path", p.target())
                .with("probes", s.attempts()).with("answered", answered)
                .with("loss_percent", Math.round(100.0 * lost / s.attempts()));
        if (stats != null) {
            b.with("rtt_min_ms", Fmt.msValue(stats[0])).with("rtt_avg_ms", Fmt.msValue(stats[1]))
                    .with("rtt_max_ms", Fmt.msValue(stats[2])).with("jitter_ms", Fmt.msValue(stats[3]));
        }
        String ip = p.address().getAddress().getHostAddress();
        int port = p.address().getPort();
        ErrorType main = s.mainFailure();
        if (answered == 0 && main == ErrorType.DESTINATION_IP_UNROUTABLE) {
            return b.error(main).advice("no route from this host to " + ip + ": check `ip route get " + ip
                            + "`, the interface, and ICMP 'unreachable' from a firewall")
                    .confirm("ip route get " + ip)
                    .step(Step.of(Step.Rank.NETWORK, "fix routing from the proxy host to " + ip))
                    .fail("unreachable: the kernel or a router reports no route to " + ip);
        }
        if (answered == 0) {
            return b.error(ErrorType.CONNECTION_TIMEOUT)
                    .advice("port " + port + " looks filtered: a firewall, security group or network ACL between this"
                            + " host and " + ip + " drops the SYNs (a host that is up with the port closed would refuse)")
                    .confirm("nc -vz -w 3 " + ip + " " + port)
                    .step(Step.of(Step.Rank.NETWORK, "allow TCP from the proxy host to " + ip + ":" + port
                            + " in the firewall or security group (the port looks filtered)"))
                    .fail("filtered: " + lost + "/" + s.attempts() + " SYNs unanswered");
        }
        String rtt = Fmt.ms(stats[0]) + " / " + Fmt.ms(stats[1]) + " / " + Fmt.ms(stats[2]) + " (min / avg / max), jitter "
                + Fmt.ms(stats[3]);
        if (lost > 0) {
            return b.error(ErrorType.CONNECTION_TIMEOUT)
                    .advice("some SYNs go unanswered: look for packet loss (mtr " + ip + "), an overloaded backend's full"
                            + " listen backlog, or a rate-limiting firewall")
                    .confirm("mtr -rwc 20 -T -P " + port + " " + ip)
                    .step(Step.of(Step.Rank.NETWORK, "find the packet loss to " + ip + ":" + port + " (" + lost + "/"
                            + s.attempts() + " probes lost)"))
                    .warn(String.format(Locale.ROOT, "%d/%d probes lost; %s", lost, s.attempts(), rtt));
        }
        if (stats[3] > JITTER_FLOOR_NANOS && stats[3] > stats[1] && steadySpread(s.answeredNanos(true)) > JITTER_FLOOR_NANOS) {
            return b.advice("round trips vary more than they take: a busy host or a congested path; timeouts set near"
                            + " the average will fire on the slow ones")
                    .step(Step.of(Step.Rank.NETWORK, "look at the load on " + ip + " and the path to it: jitter "
                            + Fmt.ms(stats[3]) + " on a " + Fmt.ms(stats[1]) + " round trip"))
                    .warn("high jitter: " + rtt);
        }
        String what = main == ErrorType.CONNECTION_REFUSED ? "reachable (the host answers with a refusal): " : "reachable: ";
        return b.pass(what + rtt + ", no loss");
    }
}
