package dev.candor.foreign;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HAProxy reader: sections, words, defaults inheritance, and the upstream and frontend settings it reads. */
class HaproxyConfigTest {
    private static final String CFG = """
            global
                log /dev/log local0   # where logs go
                maxconn 4000

            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30000
                option httpclose
                default-server inter 3s fall 2

            frontend www
                bind *:80
                bind 127.0.0.1:443 ssl crt /etc/haproxy/site.pem alpn h2,http/1.1
                acl is_api hdr(host) -i api.example.com
                acl is_api hdr(host) -i api2.example.com
                acl static path_beg /static/ /assets/
                use_backend api if is_api !static || { path_beg -i /v1/ }
                use_backend "static files" if static
                default_backend web

            backend api
                balance leastconn
                option httpchk GET /health HTTP/1.1\\r\\nHost:\\ api.internal
                http-check expect status 200
                timeout server 1m
                no option httpclose
                option http-server-close
                server a1 10.0.0.1:8080 check weight 3 inter 5s
                server a2 [2001:db8::2]:8080 check no-check ssl verify none

            defaults named
                timeout connect 2s
                http-reuse never

            backend web from named
                server w1 web.internal:80 backup
                server w2 10.0.0.9

            backend "static files"
                server s1 10.0.0.5:80 'disabled' # quoted words lose their quotes
                acl weird path_reg ^/a\\.b$
            """;

    private static HaproxyConfig config() throws IOException {
        return HaproxyConfig.parse(CFG, "haproxy.cfg");
    }

    @Test
    void sectionsKeepTheirLinesAndLineNumbers() throws IOException {
        HaproxyConfig c = config();
        assertThat(c.sections()).extracting(HaproxySection::title).containsExactly("global", "defaults", "frontend www",
                "backend api", "defaults named", "backend web", "backend static files");
        HaproxySection global = c.global().orElseThrow();
        assertThat(global.lines()).extracting(Directive::text).containsExactly("log /dev/log local0", "maxconn 4000");
        assertThat(global.lines().get(0).where()).isEqualTo("haproxy.cfg:2");
        assertThat(c.sections("backend").get(0).where()).isEqualTo("haproxy.cfg:23");
    }

    @Test
    void quotesAndEscapesAreResolvedAndUnknownEscapesKept() throws IOException {
        List<String> w = HaproxyConfig.words("a \"b c\" 'd \\ e' f\\ g h\"i j\"k \\# l\\.m # comment", "f", 1);
        assertThat(w).containsExactly("a", "b c", "d \\ e", "f g", "hi jk", "#", "l\\.m");
        assertThat(HaproxyConfig.words("   # only a comment", "f", 1)).isEmpty();
        assertThat(config().sections("backend").get(2).own("acl").get(0).args())
                .containsExactly("weird", "path_reg", "^/a\\.b$");
        assertThatThrownBy(() -> HaproxyConfig.parse("global\n  log \"open\n", "x.cfg"))
                .hasMessage("x.cfg:2: unterminated double quote");
    }

    @Test
    void aSectionInheritsTheDefaultsBeforeItOrTheNamedOne() throws IOException {
        HaproxyConfig c = config();
        HaproxyBackend api = c.backend("api").orElseThrow();
        assertThat(api.timeouts().connect().value()).isEqualTo(Duration.ofSeconds(5));
        assertThat(api.timeouts().server().value()).isEqualTo(Duration.ofMinutes(1));
        assertThat(api.timeouts().server().source().where()).isEqualTo("haproxy.cfg:27");
        assertThat(api.timeouts().client().value()).isEqualTo(Duration.ofSeconds(30));
        assertThat(api.keepAlive().mode()).isEqualTo("http-server-close");
        assertThat(api.keepAlive().reusesServerConnections()).isFalse();

        HaproxyBackend web = c.backend("web").orElseThrow();
        assertThat(web.timeouts().connect().value()).isEqualTo(Duration.ofSeconds(2));
        assertThat(web.timeouts().server()).isNull(); // the named defaults do not inherit the anonymous ones
        assertThat(web.keepAlive().reuse()).isEqualTo("never");
        assertThat(web.keepAlive().mode()).isEqualTo("http-keep-alive");
        assertThat(c.backend("static files").orElseThrow().timeouts().connect().value())
                .as("a named defaults section is also the last one for the sections after it")
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(c.frontends().get(0).section().last("timeout", "server").map(d -> HaproxyConfig.time(d.arg(1))))
                .as("a bare number is milliseconds").contains(Duration.ofSeconds(30));
        assertThat(HaproxyConfig.time("1500us")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(HaproxyConfig.time("5 s")).isNull();
    }

    @Test
    void serversCarryAddressWeightCheckSslAndDefaultServerParameters() throws IOException {
        HaproxyBackend api = config().backend("api").orElseThrow();
        assertThat(api.balance().algorithm()).isEqualTo("leastconn");
        HaproxyBackend.Server a1 = api.servers().get(0);
        assertThat(a1.address()).isEqualTo("10.0.0.1:8080");
        assertThat(a1.weight()).isEqualTo(3);
        assertThat(a1.check()).isTrue();
        assertThat(a1.inter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a1.fall()).as("from default-server").isEqualTo(2);
        assertThat(a1.rise()).isEqualTo(2);
        HaproxyBackend.Server a2 = api.servers().get(1);
        assertThat(a2.host()).isEqualTo("2001:db8::2");
        assertThat(a2.address()).isEqualTo("[2001:db8::2]:8080");
        assertThat(a2.check()).as("no-check after check").isFalse();
        assertThat(a2.ssl()).isTrue();
        assertThat(a2.param("verify")).contains("none");
        assertThat(a2.inter()).isEqualTo(Duration.ofSeconds(3));

        HaproxyBackend web = config().backend("web").orElseThrow();
        assertThat(web.balance().source()).isNull();
        assertThat(web.balance().algorithm()).isEqualTo("roundrobin");
        assertThat(web.servers()).extracting(HaproxyBackend.Server::port).containsExactly(80, 0);
        assertThat(web.servers().get(0).backup()).isTrue();
        assertThat(web.health()).isEmpty();
        assertThat(config().backend("static files").orElseThrow().servers().get(0).disabled()).isTrue();
    }

    @Test
    void theHealthCheckReadsOptionHttpchkAndHttpCheckLines() throws IOException {
        HaproxyBackend.HealthCheck h = config().backend("api").orElseThrow().health().orElseThrow();
        assertThat(h.type()).isEqualTo("http");
        assertThat(h.method()).isEqualTo("GET");
        assertThat(h.uri()).isEqualTo("/health");
        assertThat(h.host()).isEqualTo("api.internal");
        assertThat(h.expect()).isEqualTo("200");
        assertThat(h.source().where()).isEqualTo("haproxy.cfg:25");

        HaproxyConfig tcp = HaproxyConfig.parse("""
                backend b
                    server s 10.0.0.1:80 check
                """, "t.cfg");
        assertThat(tcp.backends().get(0).health().orElseThrow().type()).isEqualTo("tcp");
        HaproxyConfig send = HaproxyConfig.parse("""
                backend b
                    option httpchk
                    http-check send meth HEAD uri /ready hdr Host app.internal
                    server s 10.0.0.1:80 check
                """, "t.cfg");
        HaproxyBackend.HealthCheck s = send.backends().get(0).health().orElseThrow();
        assertThat(List.of(s.method(), s.uri(), s.host())).containsExactly("HEAD", "/ready", "app.internal");
    }

    @Test
    void aFrontendHasItsBindsAclsAndRulesInOrder() throws IOException {
        HaproxyFrontend www = config().frontends().get(0);
        assertThat(www.binds()).extracting(HaproxyFrontend.Bind::port).containsExactly(80, 443);
        assertThat(www.binds().get(0).host()).isEqualTo("*");
        assertThat(www.binds().get(1).ssl()).isTrue();
        assertThat(www.binds().get(1).certs()).containsExactly("/etc/haproxy/site.pem");
        assertThat(www.acls().get("is_api")).hasSize(2);
        assertThat(www.acls().get("is_api").get(0).ignoreCase()).isTrue();
        assertThat(www.acls().get("static").get(0).patterns()).containsExactly("/static/", "/assets/");
        assertThat(www.rules()).extracting(HaproxyFrontend.Rule::backend).containsExactly("api", "static files");
        List<List<HaproxyFrontend.Term>> c = www.rules().get(0).condition();
        assertThat(c).hasSize(2);
        assertThat(c.get(0)).containsExactly(new HaproxyFrontend.Term(false, "is_api", null),
                new HaproxyFrontend.Term(true, "static", null));
        HaproxyFrontend.Acl inline = c.get(1).get(0).inline();
        assertThat(inline.criterion()).isEqualTo("path_beg");
        assertThat(inline.flags()).containsExactly("-i");
        assertThat(inline.patterns()).containsExactly("/v1/");
        assertThat(www.defaultBackend()).contains("web");
        assertThat(www.timeouts().client().value()).isEqualTo(Duration.ofSeconds(30));
        assertThat(www.keepAlive().mode()).isEqualTo("httpclose");
    }

    @Test
    void mistakesNameTheirLine() {
        assertThatThrownBy(() -> HaproxyConfig.parse("maxconn 10\n", "a.cfg"))
                .hasMessageStartingWith("a.cfg:1: \"maxconn\" outside of any section");
        assertThatThrownBy(() -> HaproxyConfig.parse("global\nbackend\n", "a.cfg"))
                .hasMessage("a.cfg:2: \"backend\" needs a name");
        assertThatThrownBy(() -> HaproxyConfig.parse("backend b from nope\n", "a.cfg"))
                .hasMessageContaining("a.cfg:1: backend b from nope: no defaults section named \"nope\"");
        assertThatThrownBy(() -> HaproxyConfig.parse("backend b\n  timeout server 3x\n", "a.cfg").backends())
                .hasMessageContaining("a.cfg:2: timeout server 3x: '3x' is not a time");
        assertThatThrownBy(() -> HaproxyConfig.parse("backend b\n  server s 10.0.0.1:http\n", "a.cfg").backends())
                .hasMessageContaining("a.cfg:2:").hasMessageContaining("'http' is not a port");
        assertThatThrownBy(() -> HaproxyConfig.parse("backend b\n  server s 10.0.0.1:80 check fall x\n", "a.cfg").backends())
                .hasMessage("a.cfg:2: server s 10.0.0.1:80 check fall x: fall 'x' is not a number");
        assertThatThrownBy(() -> HaproxyConfig.parse("backend b\n  server s 10.0.0.1:80 inter 2q\n", "a.cfg").backends())
                .hasMessage("a.cfg:2: server s 10.0.0.1:80 inter 2q: inter '2q' is not a time");
    }
}
