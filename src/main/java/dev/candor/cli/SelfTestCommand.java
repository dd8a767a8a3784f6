package dev.candor.cli;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.config.HostPort;
import dev.candor.demo.DemoEnvironment;
import dev.candor.server.CandorServer;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code candor selftest} (hidden): starts the demo backends and a proxy on a loopback port from a YAML
 * config, sends a few requests through it over a real socket, checks their status codes and stops.
 *
 * <p>It proves an installation works end to end, and it is how the launcher trains the class-data
 * archive that makes later start-ups fast: it loads what serving a request loads (config parsing,
 * server, pool, codec, access log, failure classification), then exits.
 */
@Command(name = "selftest", hidden = true,
        description = "Proxy a few requests to built-in backends and check the answers; exit 0 when all are right.")
final class SelfTestCommand implements Callable<Integer> {
    private static final int TIMEOUT_MILLIS = 10_000;

    /** A path and the status the proxy must answer it with. */
    private record Check(String path, int status) {
    }

    /** Sent in order on one keep-alive connection. */
    private static final List<Check> CHECKS = List.of(
            new Check("/healthy", 200),
            new Check("/healthy", 200),
            new Check("/refused", 502),
            new Check("/invalid", 502));

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory("candor-selftest");
        Path accessLog = dir.resolve("access.log");
        try (DemoEnvironment demo = DemoEnvironment.start()) {
            String yaml = demo.yaml(new HostPort("127.0.0.1", 0), accessLog.toString());
            CandorConfig config;
            try {
                config = ConfigLoader.parse(yaml, "selftest.yaml", null, System::getenv);
            } catch (ConfigException e) {
                System.err.println("candor selftest: the built-in config is invalid: " + e.problems());
                return 1;
            }
            CandorServer server = CandorServer.start(config);
            List<String> wrong = new ArrayList<>();
            try {
                InetSocketAddress address = server.addresses().get(0);
                try (Socket socket = new Socket()) {
                    socket.connect(address, TIMEOUT_MILLIS);
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                    for (Check check : CHECKS) {
                        int status = exchange(socket, check.path());
                        if (status != check.status()) {
                            wrong.add("GET " + check.path() + " answered " + status + ", expected " + check.status());
                        }
                    }
                }
            } finally {
                server.shutdownGracefully(Duration.ofSeconds(1));
                server.close();
            }
            long lines = Files.exists(accessLog) ? Files.readAllLines(accessLog).size() : 0;
            if (lines != CHECKS.size()) {
                wrong.add("the access log has " + lines + " lines, expected " + CHECKS.size());
            }
            if (!wrong.isEmpty()) {
                wrong.forEach(w -> System.err.println("candor selftest: " + w));
                return 1;
            }
            System.err.println("candor selftest: ok, " + CHECKS.size() + " requests answered as expected in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            return 0;
        } finally {
            Files.deleteIfExists(accessLog);
            Files.deleteIfExists(dir);
        }
    }

    /** Sends one GET and reads the response through its Content-Length body; returns the status. */
    private static int exchange(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: selftest\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String statusLine = readLine(in);
        long length = 0;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        in.skipNBytes(length);
        String[] parts = statusLine.split(" ", 3);
        return parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new IOException("connection closed by the proxy");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
