package dev.candor.cli;

import dev.candor.config.CandorConfig;
import dev.candor.config.HostPort;
import dev.candor.demo.DemoEnvironment;
import dev.candor.server.CandorServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code candor demo}: the proxy in front of built-in misbehaving backends, with lines to try. */
@Command(name = "demo", description = "Run the proxy in front of built-in demo backends that fail in every classic way.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", description = "proxy address (default: ${DEFAULT-VALUE})")
    String listen;

    @Override
    public Integer call() throws Exception {
        HostPort address;
        try {
            address = HostPort.parse(listen);
        } catch (IllegalArgumentException e) {
            System.err.println("candor demo: --listen " + e.getMessage());
            return 2;
        }
        DemoEnvironment demo = DemoEnvironment.start();
        CandorConfig config = demo.config(address);
        CandorServer server;
        try {
            server = CandorServer.start(config);
        } catch (java.io.IOException e) {
            demo.close();
            System.err.println("candor demo: " + e.getMessage());
            return 1;
        }
        var bound = server.addresses().get(0);
        String base = "http://" + new HostPort(bound.getAddress().getHostAddress(), bound.getPort());
        System.err.println("candor demo: proxy listening on " + base + " (Ctrl-C to stop)");
        System.err.println("Try:");
        DemoEnvironment.tryLines(base).forEach(l -> System.err.println("  " + l));
        System.err.println("Access-log lines (JSON) follow on stdout.");
        return ServeLoop.serve(server, config.shutdownGrace(), demo::close);
    }
}
