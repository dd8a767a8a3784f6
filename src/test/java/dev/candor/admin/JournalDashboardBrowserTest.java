package dev.candor.admin;

import dev.candor.event.Event;
import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.HeadlessChromium;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's error chart over the journal, in a real headless Chromium: a Candor that failed requests,
 * was drained and reloaded, then restarted on the same journal file, shows those failures over the last
 * hour (not in its 10-minute memory), its events as markers at their times, the time before the last
 * start shaded, and an event's facts when its marker is clicked or reached with the keyboard.
 */
class JournalDashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The marker's centre is within this many CSS pixels of where its time falls on the axis. */
    private static final double PIXELS = 2.5;

    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private ChromeDriver browser;
    private HeadlessChromium chromium;

    @BeforeEach
    void startBrowser() {
        chromium = cleanup.add(HeadlessChromium.start());
        browser = chromium.driver();
    }

    private static String yaml(String response, String health, int... ports) {
        return AdminUnderTest.config("timeouts: { response: " + response + " }\nretries: { attempts: 0 }\n"
                + "outlier_detection: off\n" + health, ports);
    }

    /** What the page shows about the chart and its markers, read in one go (the page redraws every 2 s). */
    private record Chart(Instant from, Instant to, double left, double width, double regionRight, boolean regionShown,
                         List<Marker> markers) {
        double x(Instant t) {
            return left + (t.toEpochMilli() - from.toEpochMilli()) * width / (to.toEpochMilli() - from.toEpochMilli());
        }

        Marker only(String kind, boolean thisRun) {
            List<Marker> found = markers.stream().filter(m -> m.kind.equals(kind) && m.thisRun == thisRun).toList();
            assertThat(found).as(kind + (thisRun ? "" : " before the last start")).hasSize(1);
            return found.get(0);
        }
    }

    private record Marker(String kind, Instant time, boolean thisRun, double x, boolean shown) {
    }

    @SuppressWarnings("unchecked")
    private Chart chart() {
        Map<String, Object> m = (Map<String, Object>) browser.executeScript("""
                const root = document.getElementById('errors-chart');
                const o = root.querySelector('.timeline').getBoundingClientRect();
                const region = root.querySelector('.before-start');
                return { from: root.dataset.from, to: root.dataset.to, left: o.left, width: o.width,
                  regionRight: region.getBoundingClientRect().right, regionShown: !region.hidden,
                  markers: [...root.querySelectorAll('button.marker')].map(b => {
                    const r = b.getBoundingClientRect();
                    return { kind: b.dataset.kind, time: b.dataset.time, thisRun: b.dataset.thisRun === 'true',
                             x: r.left + r.width / 2, shown: !b.hidden };
                  }) };
                """);
        List<Marker> markers = new ArrayList<>();
        for (Map<String, Object> b : (List<Map<String, Object>>) m.get("markers")) {
            markers.add(new Marker((String) b.get("kind"), Instant.parse((String) b.get("time")), (Boolean) b.get("thisRun"),
                    ((Number) b.get("x")).doubleValue(), (Boolean) b.get("shown")));
        }
        return new Chart(Instant.parse((String) m.get("from")), Instant.parse((String) m.get("to")),
                ((Number) m.get("left")).doubleValue(), ((Number) m.get("width")).doubleValue(),
                ((Number) m.get("regionRight")).doubleValue(), (Boolean) m.get("regionShown"), markers);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void awaitText(WebDriverWait wait, String id, String expected) {
        wait.withMessage(() -> "#" + id + " shows '" + text(id) + "', not '" + expected + "'")
                .until(d -> text(id).equals(expected));
    }

    private void range(WebDriverWait wait, String range) {
        browser.findElement(By.cssSelector("#errors-ranges button[data-range='" + range + "']")).click();
        wait.until(d -> range.equals(d.findElement(By.id("errors-chart")).getDomAttribute("data-range")));
    }

    @Test
    void failuresAndEventsFromBeforeARestartAreOnTheChartAtTheirTimesWithTheStartMarked() throws Exception {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        int refusing = Ports.refusing();
        String endpoint = "127.0.0.1:" + app.port();

        // The first process: failures from a refusing endpoint (round robin sends every other request there),
        // a drain and an undrain, and a reload that changes the response timeout; then it stops.
        int refused = 0;
        int requests = 6;
        try (AdminUnderTest first = AdminUnderTest.start(dir, yaml("30s", "", app.port(), refusing))) {
            for (int i = 0; i < requests; i++) {
                refused += first.request("/before").statusCode() == 502 ? 1 : 0;
            }
            assertThat(first.post("/api/upstreams/app/endpoints/" + endpoint + "/drain").statusCode()).isEqualTo(200);
            assertThat(first.post("/api/upstreams/app/endpoints/" + endpoint + "/undrain").statusCode()).isEqualTo(200);
            assertThat(first.reload(yaml("3s", "", app.port(), refusing)).statusCode()).isEqualTo(200);
            // Failures are recorded as their exchange ends, which may be just after the client read the 502.
            int expected = refused;
            await().untilAsserted(() -> assertThat(first.server().failures().total()).isEqualTo(expected));
        }
        assertThat(refused).isPositive();
        int failed = refused;

        // The second process, on the same journal file, checks its endpoints: the refusing one turns unhealthy.
        AdminUnderTest second = cleanup.add(AdminUnderTest.start(dir, yaml("3s",
                "health_check: { type: tcp, interval: 100ms, timeout: 100ms, unhealthy_threshold: 2 }", app.port(), refusing)));
        // A kind the page has no code for (other parts of Candor add kinds): shown the same way.
        Instant newKindTime = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        second.server().journal().record(new Event(newKindTime, "example_new_kind", "somewhere",
                "an event of a kind the dashboard does not know", Map.of("answer", "42")));
        await().untilAsserted(() -> assertThat(kinds(second)).contains("health", "example_new_kind"));
        JsonNode events = second.json("/api/events?since=1h").get("events");

        browser.get(second.adminUri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);

        // The new process's memory has no failure; the journal remembers them.
        awaitText(wait, "errors-chart-summary", "No Candor errors in the last 10 minutes.");
        range(wait, "1h");
        String hour = failed + " Candor errors in " + requests + " requests in the last hour.";
        awaitText(wait, "errors-chart-summary", hour);
        assertThat(text("errors-chart")).contains("connection_refused");
        assertThat(text("errors-chart-title")).contains("per minute").contains("last hour");

        // Every event is a marker at its time; the shading ends at the last start.
        wait.until(d -> chart().markers().size() == events.size());
        Chart chart = chart();
        for (JsonNode e : events) {
            Instant time = Instant.parse(e.get("time").asString());
            Marker m = chart.markers().stream().filter(k -> k.time().equals(time) && k.kind().equals(e.get("kind").asString()))
                    .findFirst().orElseThrow(() -> new AssertionError("no marker for " + e));
            assertThat(m.shown()).as(m.kind()).isTrue();
            assertThat(m.thisRun()).as(m.kind()).isEqualTo(e.get("this_run").asBoolean());
            assertThat(m.x()).as(m.kind() + " at " + time).isCloseTo(chart.x(time), within(PIXELS));
        }
        Marker reload = chart.only("reload", false);
        Marker stop = chart.only("stop", false);
        Marker start = chart.only("start", true);
        Marker health = chart.only("health", true);
        assertThat(chart.markers().stream().filter(m -> m.kind().equals("drain")).toList()).hasSize(2)
                .allSatisfy(m -> assertThat(m.x()).isBetween(chart.only("start", false).x(), reload.x()));
        assertThat(reload.x()).isLessThanOrEqualTo(stop.x());
        assertThat(chart.regionShown()).isTrue();
        assertThat(chart.regionRight()).isCloseTo(start.x(), within(PIXELS));
        for (Marker m : chart.markers()) {
            if (m.thisRun()) {
                assertThat(m.x()).as(m.kind()).isGreaterThanOrEqualTo(chart.regionRight() - PIXELS);
            } else {
                assertThat(m.x()).as(m.kind()).isLessThanOrEqualTo(chart.regionRight() + PIXELS);
            }
        }
        assertThat(health.x()).isGreaterThanOrEqualTo(start.x());
        chromium.screenshot("dashboard-journal-1h");

        browser.findElement(By.cssSelector("button.marker[data-kind='example_new_kind']")).click();
        wait.until(d -> "example_new_kind".equals(d.findElement(By.id("event-detail")).getDomAttribute("data-kind")));
        assertThat(text("event-detail")).contains("example_new_kind").contains("since the last start")
                .contains(newKindTime.toString()).contains("an event of a kind the dashboard does not know")
                .contains("somewhere").contains("answer").contains("42");
        assertThat(browser.findElement(By.cssSelector(".before-start")).getText()).isEqualTo("before the last start");
        assertThat(browser.findElement(By.cssSelector("button.marker[data-kind='start'][data-this-run='true']")).getText())
                .isEqualTo("start");

        // Clicking the reload shows its facts: the key it changed, old -> new.
        browser.findElement(By.cssSelector("button.marker[data-kind='reload']")).click();
        wait.until(d -> "reload".equals(d.findElement(By.id("event-detail")).getDomAttribute("data-kind")));
        String detail = text("event-detail");
        assertThat(detail).contains("before the last start").contains("reload #1 (admin api)")
                .contains("changed upstreams.app.timeouts.response").contains("30s -> 3s");

        // The keyboard reaches the next marker (the next event in time), and focusing it shows that event.
        String next = null;
        for (int i = 0; i < events.size() - 1; i++) {
            if (events.get(i).get("kind").asString().equals("reload")) {
                next = events.get(i + 1).get("kind").asString();
            }
        }
        String nextKind = next;
        new Actions(browser).sendKeys(Keys.TAB).perform();
        wait.until(d -> nextKind.equals(d.findElement(By.id("event-detail")).getDomAttribute("data-kind")));
        assertThat(browser.switchTo().activeElement().getDomAttribute("data-kind")).isEqualTo(nextKind);

        // The health transition of this run, with its cause.
        browser.findElement(By.cssSelector("button.marker[data-kind='health']")).click();
        wait.until(d -> text("event-detail").contains("since the last start"));
        assertThat(text("event-detail")).contains("127.0.0.1:" + refusing).contains("connection_refused").contains("unhealthy");

        // The longer ranges count the same failures in wider buckets.
        range(wait, "24h");
        awaitText(wait, "errors-chart-summary", failed + " Candor errors in " + requests + " requests in the last 24 hours.");
        assertThat(text("errors-chart-title")).contains("per 2 minutes");
        wait.until(d -> chart().markers().size() == events.size());
        range(wait, "7d");
        awaitText(wait, "errors-chart-summary", failed + " Candor errors in " + requests + " requests in the last 7 days.");
        assertThat(text("errors-chart-title")).contains("per 15 minutes");
        assertThat(browser.findElement(By.cssSelector("#errors-ranges button[data-range='7d']")).getDomAttribute("aria-pressed"))
                .isEqualTo("true");

        range(wait, "10m");
        awaitText(wait, "errors-chart-summary", "No Candor errors in the last 10 minutes.");
        assertThat(chromium.consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void withTheJournalOffTheLongerRangesSaySoInsteadOfAnEmptyChart() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, "journal: off\n" + yaml("30s", "", app.port())));
        browser.get(t.adminUri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        wait.until(d -> d.findElement(By.id("errors-chart")).isDisplayed()
                && "10m".equals(d.findElement(By.id("errors-chart")).getDomAttribute("data-range")));
        assertThat(browser.findElement(By.id("errors-chart-off")).isDisplayed()).isFalse();

        browser.findElement(By.cssSelector("#errors-ranges button[data-range='24h']")).click();
        wait.until(d -> d.findElement(By.id("errors-chart-off")).isDisplayed());
        assertThat(text("errors-chart-off")).contains("The journal is off");
        assertThat(browser.findElement(By.id("errors-chart")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("button.marker"))).isEmpty();

        browser.findElement(By.cssSelector("#errors-ranges button[data-range='10m']")).click();
        wait.until(d -> d.findElement(By.id("errors-chart")).isDisplayed());
        assertThat(browser.findElement(By.id("errors-chart-off")).isDisplayed()).isFalse();
        assertThat(chromium.consoleErrors()).as("console errors").isEmpty();
    }

    private static List<String> kinds(AdminUnderTest t) {
        List<String> out = new ArrayList<>();
        t.json("/api/events?since=1h").get("events").forEach(e -> out.add(e.get("kind").asString()));
        return out;
    }
}
