package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.HeadlessChromium;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * installed by {@code .ci/run}): it loads without console errors, shows the upstreams, and shows a
 * provoked error type within seconds, and counts open WebSocket tunnels. Skipped where Chromium is missing, except in CI.
 */
class DashboardBrowserTest {
    @TempDir
    Path dir;
    private TestBackend backend;
    private TestWebSocketServer chat;
    private AdminUnderTest t;
    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private int refusing;

    @BeforeEach
    void start() {
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
        backend = TestBackend.answering("ok");
        chat = TestWebSocketServer.start();
        refusing = Ports.refusing();
        t = AdminUnderTest.start(dir, """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                workers: 2
                routes:
                  - name: chat
                    match: { path_prefix: /ws }
                    upstream: chat
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:%d
                      - address: 127.0.0.1:%d
                    retries: { attempts: 0 }
                    outlier_detection: off
                  chat:
                    endpoints:
                      - address: 127.0.0.1:%d
                """.formatted(backend.port(), refusing, chat.port()));
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (t != null) {
            t.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void showsTheUpstreamsThenAProvokedErrorTypeWithItsEvidenceAndLogsNoConsoleError() throws Exception {
        browser.get(t.adminUri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));

        WebElement upstream = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-upstream='app']")));
        wait.until(d -> upstream.findElements(By.cssSelector("tr[data-endpoint]")).size() == 2);
        assertThat(upstream.getText()).contains("127.0.0.1:" + backend.port()).contains("healthy");

        // Round robin: every other request goes to the endpoint that refuses connections.
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            refused += t.request("/provoked").statusCode() == 502 ? 1 : 0;
        }
        assertThat(refused).isPositive();

        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#errors tr[data-error='connection_refused']")));
        assertThat(row.getText()).contains("connection_refused").contains("/provoked").contains("502");
        wait.until(d -> d.findElement(By.id("errors-chart")).getText().contains("connection_refused"));
        assertThat(browser.findElement(By.cssSelector("[data-upstream='app']")).getText()).contains("connection_refused");

        // The list is redrawn every 2 s; a click may land on a row that was just replaced, so retry.
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("#errors tr[data-error='connection_refused']")).click();
            return true;
        });
        String evidence = wait.ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.cssSelector("[data-evidence]")).getText());
        assertThat(evidence).contains("explanation").contains("127.0.0.1:" + refusing).contains("trace");

        chromium.screenshot("dashboard-test");
        assertThat(chromium.consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void showsTheWebSocketTunnelsOpenRightNow() {
        browser.get(t.adminUri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(d -> d.findElement(By.id("tunnels")).getText().equals("0"));

        try (WsClient client = WsClient.to(t.address()).connect()) {
            assertThat(client.sendText("hello").awaitText()).isEqualTo("hello");

            wait.until(d -> d.findElement(By.id("tunnels")).getText().equals("1"));
            client.close(1000, "done").awaitDisconnected();
        }

        wait.until(d -> d.findElement(By.id("tunnels")).getText().equals("0"));
    }
}
