package dev.candor.proxy;

import dev.candor.config.MatchConfig;
import dev.candor.config.RouteConfig;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {
    private final Router router = new Router(List.of(
            new RouteConfig("exact", new MatchConfig("api.example.com", "/v1/", Set.of("GET")), "api"),
            new RouteConfig("wild", new MatchConfig("*.example.com", null, null), "wild"),
            new RouteConfig("posts", new MatchConfig(null, "/v1/", Set.of("POST")), "posts"),
            new RouteConfig("rest", MatchConfig.ANY, "web")));

    private String route(String host, String path, HttpMethod method) {
        Route r = router.match(host, path, method);
        return r == null ? null : r.name();
    }

    @Test
    void theFirstMatchingRouteWins() {
        assertThat(route("api.example.com", "/v1/items", HttpMethod.GET)).isEqualTo("exact");
        assertThat(route("api.example.com", "/v2/items", HttpMethod.GET)).isEqualTo("wild");
        assertThat(route("api.example.com", "/v1/items", HttpMethod.POST)).isEqualTo("wild");
    }

    @Test
    void aWildcardMatchesSubdomainsAtAnyDepthButNotTheBareDomain() {
        assertThat(route("a.b.example.com", "/", HttpMethod.GET)).isEqualTo("wild");
        assertThat(route("example.com", "/", HttpMethod.GET)).isEqualTo("rest");
        assertThat(route("badexample.com", "/", HttpMethod.GET)).isEqualTo("rest");
    }

    @Test
    void methodsAndPathPrefixesNarrowARoute() {
        assertThat(route("other", "/v1/x", HttpMethod.POST)).isEqualTo("posts");
        assertThat(route("other", "/v1/x", HttpMethod.PUT)).isEqualTo("rest");
        assertThat(route(null, "/", HttpMethod.GET)).isEqualTo("rest");
    }

    @Test
    void noMatchGivesNull() {
        Router strict = new Router(List.of(new RouteConfig("only", new MatchConfig("a.test", null, null), "u")));
        assertThat(strict.match("b.test", "/", HttpMethod.GET)).isNull();
    }
}
