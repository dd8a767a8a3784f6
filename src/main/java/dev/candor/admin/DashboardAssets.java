package dev.candor.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The dashboard's files, read from the jar once; served without a token (they hold no data). */
final class DashboardAssets {
    private static final String ROOT = "/dev/candor/admin/dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "errors-chart.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8",
            "uPlot.LICENSE", "text/plain; charset=utf-8");

    record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets = new HashMap<>();

    DashboardAssets() {
        TYPES.forEach((name, type) -> assets.put(name, new Asset(type, read(name))));
    }

    /** The file of that name, or null. */
    Asset get(String name) {
        return assets.get(name);
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + ROOT + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
