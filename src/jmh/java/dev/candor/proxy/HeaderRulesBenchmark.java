package dev.candor.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The header rewrite of every proxied exchange ({@link HeaderRules}), on the head a desktop browser
 * sends for a page (13 fields) and the head a typical app server answers with (12 fields).
 *
 * <p>The rules change the headers in place, so each operation first copies a template into headers made
 * by the same factory as Candor's HTTP decoders. The {@code copy*} benchmarks measure that copy alone;
 * subtract it from the others to get the cost of the rule itself.
 *
 * <p>In package {@code dev.candor.proxy} because {@code HeaderRules} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderRulesBenchmark {

    private HttpHeadersFactory factory;
    private HttpHeaders browserRequest;
    private HttpHeaders appResponse;

    @Setup
    public void setUp() {
        // the factory the server and client codecs get from setValidateHeaders(true)
        factory = new HttpDecoderConfig().setValidateHeaders(true).getHeadersFactory();
        browserRequest = factory.newHeaders()
                .add("Host", "www.example.com")
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("Accept-Language", "en-GB,en;q=0.7,de;q=0.3")
                .add("Accept-Encoding", "gzip, deflate, br, zstd")
                .add("Referer", "https://www.example.com/products?page=2")
                .add("Connection", "keep-alive")
                .add("Cookie", "session=7f3c9a1e4b2d8f60a5c1e9b3d7f2a4c6; theme=dark; consent=1")
                .add("Upgrade-Insecure-Requests", "1")
                .add("Sec-Fetch-Dest", "document")
                .add("Sec-Fetch-Mode", "navigate")
                .add("Sec-Fetch-Site", "same-origin")
                .add("Priority", "u=0, i");
        appResponse = factory.newHeaders()
                .add("Server", "nginx/1.24.0")
                .add("Date", "Sat, 21 Nov 2026 10:15:30 GMT")
                .add("Content-Type", "text/html; charset=utf-8")
                .add("Content-Length", "18342")
                .add("Connection", "keep-alive")
                .add("Keep-Alive", "timeout=5")
                .add("X-Powered-By", "Express")
                .add("Cache-Control", "private, max-age=0, must-revalidate")
                .add("ETag", "W/\"47a6-2u2kWq0yJ8o5t3n1b7mQ9cV\"")
                .add("Vary", "Accept-Encoding, Cookie")
                .add("Set-Cookie", "session=7f3c9a1e4b2d8f60a5c1e9b3d7f2a4c6; Path=/; HttpOnly; Secure; SameSite=Lax")
                .add("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }

    /** Baseline: copying the browser request template into fresh headers. */
    @Benchmark
    public HttpHeaders copyRequest() {
        return factory.newHeaders().add(browserRequest);
    }

    /** Copy plus removal of the hop-by-hop fields (here {@code Connection: keep-alive}). */
    @Benchmark
    public HttpHeaders stripHopByHopRequest() {
        HttpHeaders h = factory.newHeaders().add(browserRequest);
        HeaderRules.stripHopByHop(h);
        return h;
    }

    /** Copy plus the full request rewrite: hop-by-hop, Expect, X-Forwarded-*, Via, X-Request-Id. */
    @Benchmark
    public HttpHeaders forwardRequest() {
        HttpHeaders h = factory.newHeaders().add(browserRequest);
        HeaderRules.forwardRequest(h, "203.0.113.9", "http", "www.example.com", "4f1c2a9d0b7e4c1f8a3d6e5b2c9f0a17", false);
        return h;
    }

    /** Baseline: copying the response template into fresh headers. */
    @Benchmark
    public HttpHeaders copyResponse() {
        return factory.newHeaders().add(appResponse);
    }

    /** Copy plus the response rewrite: hop-by-hop, Server, X-Powered-By, X-Request-Id. */
    @Benchmark
    public HttpHeaders forwardResponse() {
        HttpHeaders h = factory.newHeaders().add(appResponse);
        HeaderRules.forwardResponse(h, "4f1c2a9d0b7e4c1f8a3d6e5b2c9f0a17");
        return h;
    }
}
