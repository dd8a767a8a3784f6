package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * installed by {@code .ci/run}): it loads without console errors, shows the upstreams, and shows a
 * provoked error type within seconds, and counts open WebSocket tunnels. Skipped where Chromium is missing, except in CI.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;
    private TestBackend backend;
    private TestWebSocketServer chat;
    private AdminUnderTest t;
    private ChromeDriver browser;
    private int refusing;

    @BeforeEach
    void start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must have /usr/bin/chromium and /usr/bin/chromedriver (apt: chromium chromium-driver)");
        }
        assumeTrue(present, "skipped: /usr/bin/chromium or /usr/bin/chromedriver not installed (apt: chromium chromium-driver)");
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
        ChromeOptions options = new ChromeOptions();
        // Explicit paths: Selenium Manager never tries to download a browser or a driver.
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1300");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
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

        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "dashboard-test.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("console errors").isEmpty();
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
