package dev.candor.health;

import dev.candor.client.HealthProbe;
import dev.candor.config.HealthCheckConfig;
import dev.candor.event.Event;
import dev.candor.event.EventSink;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import dev.candor.upstream.ProbeRecord;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Probes every endpoint of every upstream that has a {@code health_check}, each on its own schedule:
 * the first probe at a random point of the first interval (so probes of many endpoints do not fire
 * together), then every interval with up to 10 % jitter. Each result goes to the endpoint's health,
 * which applies the thresholds; state changes are logged with their reason.
 */
public final class HealthChecker implements AutoCloseable, Upstream.MembershipListener {
    private static final Logger log = LoggerFactory.getLogger("candor.health");

    private final HealthProbe probe;
    private final RandomGenerator random;
    private final EventLoopGroup group;
    private final Map<Endpoint, Schedule> schedules = new ConcurrentHashMap<>();
    private final EventSink events;
    private volatile boolean closed;

    private HealthChecker(HealthProbe probe, EventLoopGroup group, RandomGenerator random, EventSink events) {
        this.probe = probe;
        this.group = group;
        this.random = random;
        this.events = events;
    }

    /**
     * Starts probing, telling {@code events} about each transition of an endpoint's state; endpoints of
     * upstreams without a health_check are left alone.
     */
    public static HealthChecker start(Iterable<Upstream> upstreams, EventLoopGroup group, HealthProbe probe,
                                      RandomGenerator random, EventSink events) {
        HealthChecker checker = new HealthChecker(probe, group, random, events);
        for (Upstream u : upstreams) {
            u.addListener(checker);
            u.endpoints().forEach(e -> checker.watch(u, e));
        }
        return checker;
    }

    /** DNS changed an upstream's endpoints: new ones are probed from now on, removed ones no longer. */
    @Override
    public void changed(Upstream upstream, List<Endpoint> added, List<Endpoint> removed) {
        for (Endpoint e : removed) {
            Schedule s = schedules.remove(e);
            if (s != null) {
                s.stopped = true;
                ScheduledFuture<?> t = s.timer;
                if (t != null) {
                    t.cancel(false);
                }
            }
        }
        added.forEach(e -> watch(upstream, e));
    }

    private void watch(Upstream u, Endpoint e) {
        HealthCheckConfig check = u.config().healthCheck();
        if (check == null || closed) {
            return;
        }
        Schedule s = new Schedule(u, e, check, group.next());
        schedules.put(e, s);
        next(s, (long) (random.nextDouble() * check.interval().toNanos()));
    }

    private void next(Schedule s, long delayNanos) {
        if (closed || s.stopped) {
            return;
        }
        s.timer = s.loop.schedule(() -> run(s), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void run(Schedule s) {
        if (closed || s.stopped) {
            return;
        }
        probe.probe(s.endpoint, s.check, s.loop).addListener(f -> {
            if (s.stopped) {
                return;
            }
            ProbeRecord record = (ProbeRecord) f.getNow();
            EndpointHealth health = s.endpoint.health();
            EndpointState before = health.state();
            health.probe(record);
            EndpointState after = health.state();
            if (before != after) {
                log.warn("upstream {} endpoint {}: {} -> {}: {}", s.upstream.name(), s.endpoint.label(),
                        before.token(), after.token(), health.why());
                transition(s, before, after, record, health.why());
            }
            long interval = s.check.interval().toNanos();
            long jitter = (long) ((random.nextDouble() * 0.2 - 0.1) * interval);
            next(s, Math.max(1, interval + jitter));
        });
    }

    private void transition(Schedule s, EndpointState before, EndpointState after, ProbeRecord record, String why) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("upstream", s.upstream.name());
        facts.put("endpoint", s.endpoint.label());
        facts.put("from", before.token());
        facts.put("to", after.token());
        facts.put("cause", record.ok() ? "passing probes" : record.error() == null ? null : record.error().token());
        facts.put("detail", record.detail());
        facts.put("why", why);
        events.record(new Event(record.time(), Event.HEALTH, s.upstream.name() + "/" + s.endpoint.label(),
                "endpoint " + s.endpoint.label() + " of upstream " + s.upstream.name() + ": " + before.token()
                        + " -> " + after.token() + " (" + why + ")", facts));
    }

    @Override
    public void close() {
        closed = true;
        for (Schedule s : schedules.values()) {
            ScheduledFuture<?> t = s.timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** One endpoint's probing: where it runs and the next timer. */
    private static final class Schedule {
        final Upstream upstream;
        final Endpoint endpoint;
        final HealthCheckConfig check;
        final EventLoop loop;
        volatile ScheduledFuture<?> timer;
        volatile boolean stopped;

        Schedule(Upstream upstream, Endpoint endpoint, HealthCheckConfig check, EventLoop loop) {
            this.upstream = upstream;
            this.endpoint = endpoint;
            this.check = check;
            this.loop = loop;
        }
    }
}
