package dev.candor.cli;

import dev.candor.config.AdminConfig;
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

    @Option(names = "--admin", defaultValue = "127.0.0.1:9901",
            description = "admin API and dashboard address, or off (default: ${DEFAULT-VALUE})")
    String admin;

    @Override
    public Integer call() throws Exception {
        HostPort address;
        try {
            address = HostPort.parse(listen);
        } catch (IllegalArgumentException e) {
            System.err.println("candor demo: --listen " + e.getMessage());
            return 2;
        }
        AdminConfig adminConfig;
        try {
            adminConfig = admin.equals("off") ? AdminConfig.OFF : new AdminConfig(true, HostPort.parse(admin), null);
        } catch (IllegalArgumentException e) {
            System.err.println("candor demo: --admin " + e.getMessage());
            return 2;
        }
        DemoEnvironment demo = DemoEnvironment.start();
        CandorConfig config = demo.config(address).withAdmin(adminConfig);
        CandorServer server;
        try {
            server = CandorServer.start(config);
        } catch (java.io.IOException e) {
            demo.close();
            System.err.println("candor demo: " + e.getMessage());
            return 1;
        }
        LiveControl live;
        try {
            live = LiveControl.start(server, adminConfig, null, false);
        } catch (java.io.IOException e) {
            server.close();
            demo.close();
            System.err.println("candor demo: " + e.getMessage());
            return 1;
        }
        var bound = server.addresses().get(0);
        String base = "http://" + new HostPort(bound.getAddress().getHostAddress(), bound.getPort());
        System.err.println("candor demo: proxy listening on " + base + " (Ctrl-C to stop)");
        System.err.println("Try:");
        DemoEnvironment.tryLines(base).forEach(l -> System.err.println("  " + l));
        if (live.adminUrl() != null) {
            System.err.println("Dashboard (live health, errors and their evidence): " + live.adminUrl());
        }
        System.err.println("Access-log lines (JSON) follow on stdout.");
        return ServeLoop.serve(server, config.shutdownGrace(), () -> {
            live.close();
            demo.close();
        });
    }
}
