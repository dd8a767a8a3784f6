package dev.candor.config;

import dev.candor.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM chains and keys in every form OpenSSL writes, read without Bouncy Castle. */
class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void rsaAndEcKeysReadInPkcs8AndInTheTraditionalForms() {
        TestPki ca = TestPki.newCa(dir, "Pem CA");
        for (TestPki.KeyFormat format : TestPki.KeyFormat.values()) {
            TestPki.Issued rsa = ca.issue("rsa.test").rsa().keyFormat(format).write("rsa-" + format);
            TestPki.Issued ec = ca.issue("ec.test").keyFormat(format).write("ec-" + format);

            CertifiedKey r = CertifiedKey.load(rsa.certFile(), rsa.keyFile());
            CertifiedKey e = CertifiedKey.load(ec.certFile(), ec.keyFile());

            assertThat(r.key().getEncoded()).as("RSA " + format).isEqualTo(rsa.keys().getPrivate().getEncoded());
            assertThat(r.keyDescription()).isEqualTo("RSA 2048");
            assertThat(e.keyDescription()).as("EC " + format).isEqualTo("EC 256");
            assertThat(e.names()).containsExactly("ec.test");
        }
    }

    @Test
    void aChainKeepsItsOrderAndAKeyFileMayHoldOtherBlocksFirst() throws IOException {
        TestPki ca = TestPki.newCa(dir, "Chain CA");
        TestPki.Issued leaf = ca.issue("leaf.test").write("leaf");
        Path chain = Files.writeString(dir.resolve("chain.pem"),
                Files.readString(leaf.certFile()) + Files.readString(ca.caFile()));
        Path key = Files.writeString(dir.resolve("bundle.key"),
                "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + Files.readString(leaf.keyFile()));

        CertifiedKey loaded = CertifiedKey.load(chain, key);

        assertThat(loaded.chain()).containsExactly(leaf.certificate(), ca.certificate());
    }

    @Test
    void aKeyFromAnotherPairIsAMismatch() {
        TestPki ca = TestPki.newCa(dir, "Mismatch CA");
        TestPki.Issued a = ca.issue("a.test").write("a");
        TestPki.Issued b = ca.issue("b.test").rsa().write("b");

        assertThatThrownBy(() -> CertifiedKey.load(a.certFile(), b.keyFile())).isInstanceOf(CertifiedKey.KeyMismatch.class);
        assertThatThrownBy(() -> CertifiedKey.load(b.certFile(), a.keyFile())).isInstanceOf(CertifiedKey.KeyMismatch.class);
    }

    @Test
    void brokenFilesAreExplained() throws IOException {
        Path noEnd = Files.writeString(dir.resolve("cut.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        Path keyOnly = Files.writeString(dir.resolve("key-only.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> PemFiles.certificates(noEnd)).hasMessageEndingWith("'-----BEGIN CERTIFICATE-----' has no matching end line");
        assertThatThrownBy(() -> PemFiles.certificates(keyOnly)).hasMessageContaining("no '-----BEGIN CERTIFICATE-----' block");
        assertThatThrownBy(() -> PemFiles.privateKey(keyOnly)).hasMessageContaining("neither RSA nor EC");
    }
}
