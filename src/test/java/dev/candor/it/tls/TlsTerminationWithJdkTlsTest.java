package dev.candor.it.tls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same as {@link TlsTerminationTest}, with Candor on the JDK's TLS instead of BoringSSL. */
class TlsTerminationWithJdkTlsTest extends TlsTerminationTest {
    @BeforeAll
    static void useTheJdksTls() {
        System.setProperty("candor.tls.provider", "jdk");
    }

    @AfterAll
    static void backToTheDefault() {
        System.clearProperty("candor.tls.provider");
    }
}
