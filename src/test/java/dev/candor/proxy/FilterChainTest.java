package dev.candor.proxy;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Filters run forward for requests, backward for responses, and a refusal ends the request side. */
class FilterChainTest {
    private static final ProxyFilter.FilterContext FACTS =
            new RequestFacts("rid", "127.0.0.1", "127.0.0.1", "http", "site.test", null, null, null);

    private final List<String> seen = new ArrayList<>();

    private ProxyFilter named(String name, ProxyFilter.Refusal refusal) {
        return new ProxyFilter() {
            @Override
            public Refusal onRequest(FilterContext exchange, HttpRequest request) {
                seen.add(name + ">");
                return refusal;
            }

            @Override
            public void onResponse(FilterContext exchange, HttpResponse response) {
                seen.add("<" + name);
            }
        };
    }

    @Test
    void requestsGoForwardAndResponsesComeBackInReverse() {
        FilterChain chain = new FilterChain(List.of(named("a", null), named("b", null), named("c", null)));

        assertThat(chain.onRequest(FACTS, request())).isNull();
        chain.onResponse(FACTS, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));

        assertThat(seen).containsExactly("a>", "b>", "c>", "<c", "<b", "<a");
    }

    @Test
    void aRefusalEndsTheChainAndIsWhatTheExchangeAnswers() {
        ProxyFilter.Refusal denied = new ProxyFilter.Refusal(
                new Cause(Phase.CLIENT_REQUEST, Actor.PROXY, Signal.DENIED, null), HttpResponseStatus.FORBIDDEN,
                "denied by rule 3", null);
        FilterChain chain = new FilterChain(List.of(named("a", null), named("deny", denied), named("c", null)));

        assertThat(chain.onRequest(FACTS, request())).isSameAs(denied);
        assertThat(seen).containsExactly("a>", "deny>");
        assertThat(denied.cause().type().token()).isEqualTo("http_request_denied");
    }

    @Test
    void aDeferredAnswerStopsTheChainAndSaysWhereItResumes() {
        java.util.concurrent.CompletableFuture<ProxyFilter.Refusal> later = new java.util.concurrent.CompletableFuture<>();
        FilterChain chain = new FilterChain(List.of(named("a", null), named("store", ProxyFilter.Refusal.deferred(later)),
                named("c", null)));

        ProxyFilter.Refusal pending = chain.onRequest(FACTS, request());

        assertThat(pending.isDeferred()).isTrue();
        assertThat(pending.later()).isSameAs(later);
        assertThat(pending.resumeAt()).isEqualTo(2);
        assertThat(seen).containsExactly("a>", "store>");
        assertThat(chain.onRequest(FACTS, request(), pending.resumeAt())).isNull();
        assertThat(seen).containsExactly("a>", "store>", "c>");
    }

    @Test
    void theDefaultChainIsTheHeaderRulesKeepingAWebSocketUpgrade() {
        HttpRequest upgrade = request();
        upgrade.headers().set("Connection", "keep-alive, Upgrade").set("Upgrade", "websocket")
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").set("Keep-Alive", "timeout=5");
        ProxyFilter.FilterContext facts = new RequestFacts("rid", "127.0.0.1", "127.0.0.1", "https", "site.test", null,
                Upgrades.requested(upgrade), null);

        assertThat(FilterChain.DEFAULT.onRequest(facts, upgrade)).isNull();

        assertThat(upgrade.headers().get("Connection")).isEqualTo("upgrade");
        assertThat(upgrade.headers().get("Upgrade")).isEqualTo("websocket");
        assertThat(upgrade.headers().get("Sec-WebSocket-Key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(upgrade.headers().contains("Keep-Alive")).isFalse();
        assertThat(upgrade.headers().get("X-Forwarded-Proto")).isEqualTo("https");
    }

    @Test
    void anUpgradeToAnythingButWebSocketIsNotCarried() {
        HttpRequest h2c = request();
        h2c.headers().set("Connection", "Upgrade, HTTP2-Settings").set("Upgrade", "h2c").set("HTTP2-Settings", "AAMAAABkAAQAAP__");

        assertThat(Upgrades.requested(h2c)).isNull();
        FilterChain.DEFAULT.onRequest(FACTS, h2c);

        assertThat(h2c.headers().contains("Upgrade")).isFalse();
        assertThat(h2c.headers().contains("HTTP2-Settings")).isFalse();
    }

    private static HttpRequest request() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/chat");
    }
}
