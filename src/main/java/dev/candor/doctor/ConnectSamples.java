package dev.candor.doctor;

import dev.candor.client.FailureClassifier;
import dev.candor.client.Transport;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A user-space {@code ping} to one endpoint: TCP connects one after the other, each closed at once,
 * timed, and each failure classified by the proxy's own {@link FailureClassifier}. Needs no root.
 */
final class ConnectSamples {
    /** After this many connects in a row without an answer, the rest would only add waiting. */
    private static final int GIVE_UP_AFTER_SILENCES = 2;

    /** One connect: how long it took, and why it failed (null when it connected). */
    record Sample(long nanos, Cause failure) {
        boolean connected() {
            return failure == null;
        }
    }

    private final List<Sample> samples;

    private ConnectSamples(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    static ConnectSamples take(Transport transport, EventLoop loop, InetSocketAddress address, int count,
                               long connectTimeoutMillis) {
        List<Sample> samples = new ArrayList<>();
        int silences = 0;
        for (int i = 0; i < count && silences < GIVE_UP_AFTER_SILENCES; i++) {
            long start = System.nanoTime();
            ChannelFuture f = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeoutMillis)))
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(address);
            f.awaitUninterruptibly(connectTimeoutMillis + 5_000);
            long took = System.nanoTime() - start;
            if (f.isSuccess()) {
                f.channel().close().awaitUninterruptibly(1_000);
                samples.add(new Sample(took, null));
                silences = 0;
            } else {
                Throwable cause = f.cause() != null ? f.cause() : new io.netty.channel.ConnectTimeoutException("no answer");
                f.channel().close();
                Cause c = FailureClassifier.connectFailure(cause);
                samples.add(new Sample(took, c));
                silences = c.type() == ErrorType.CONNECTION_TIMEOUT ? silences + 1 : 0;
            }
        }
        return new ConnectSamples(samples);
    }

    List<Sample> samples() {
        return samples;
    }

    int attempts() {
        return samples.size();
    }

    int connected() {
        return (int) samples.stream().filter(Sample::connected).count();
    }

    /** How many failed, by the error type the proxy would report. */
    Map<ErrorType, Integer> failures() {
        Map<ErrorType, Integer> out = new EnumMap<>(ErrorType.class);
        for (Sample s : samples) {
            if (!s.connected()) {
                out.merge(s.failure().type(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The most frequent failure's type, or null when every connect succeeded. */
    ErrorType mainFailure() {
        return failures().entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** The underlying error of the first failure of the main type. */
    String mainError() {
        ErrorType main = mainFailure();
        return samples.stream().filter(s -> !s.connected() && s.failure().type() == main)
                .map(s -> s.failure().error()).findFirst().orElse(null);
    }

    /** The times of the samples that got an answer: a connect, or a refusal (both are a round trip). */
    long[] answeredNanos(boolean includeRefusals) {
        return samples.stream()
                .filter(s -> s.connected() || (includeRefusals && s.failure().type() == ErrorType.CONNECTION_REFUSED))
                .mapToLong(Sample::nanos).toArray();
    }

    /** min, avg, max and jitter (mean difference between successive samples) in nanoseconds, or null. */
    static long[] stats(long[] nanos) {
        if (nanos.length == 0) {
            return null;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        long jitter = 0;
        for (int i = 0; i < nanos.length; i++) {
            min = Math.min(min, nanos[i]);
            max = Math.max(max, nanos[i]);
            sum += nanos[i];
            if (i > 0) {
                jitter += Math.abs(nanos[i] - nanos[i - 1]);
            }
        }
        return new long[] {min, sum / nanos.length, max, nanos.length > 1 ? jitter / (nanos.length - 1) : 0};
    }
}
