package dev.candor.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and build facts, filled in by the Maven build. */
final class BuildInfo implements CommandLine.IVersionProvider {

    static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/candor-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
                "candor " + version(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                "os " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
