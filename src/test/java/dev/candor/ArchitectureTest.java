package dev.candor;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/** Keeps the package layering of STYLE.md: arrows point down only, and Netty stays at the edges. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.candor");
    }

    @Test
    void packagesDependOnlyOnLayersBelowThem() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.candor.cli..")
                .layer("admin").definedBy("dev.candor.admin..")
                .layer("demo").definedBy("dev.candor.demo..")
                .layer("doctor").definedBy("dev.candor.doctor..")
                .layer("explain").definedBy("dev.candor.explain..")
                .layer("foreign").definedBy("dev.candor.foreign..")
                .layer("server").definedBy("dev.candor.server..")
                .layer("health").definedBy("dev.candor.health..")
                .layer("journal").definedBy("dev.candor.journal..")
                .layer("proxy").definedBy("dev.candor.proxy..")
                .layer("client").definedBy("dev.candor.client..")
                .layer("upstream").definedBy("dev.candor.upstream..")
                .layer("observe").definedBy("dev.candor.observe..")
                .layer("balance").definedBy("dev.candor.balance..")
                .layer("failure").definedBy("dev.candor.failure..")
                .layer("config").definedBy("dev.candor.config..")
                .layer("event").definedBy("dev.candor.event..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("admin").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("demo").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("doctor").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("explain").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("foreign").mayOnlyBeAccessedByLayers("cli", "doctor")
                .whereLayer("server").mayOnlyBeAccessedByLayers("cli", "admin")
                .whereLayer("proxy").mayOnlyBeAccessedByLayers("server", "doctor")
                .whereLayer("journal").mayOnlyBeAccessedByLayers("server", "admin", "cli", "doctor")
                .whereLayer("health").mayOnlyBeAccessedByLayers("server")
                .whereLayer("client").mayOnlyBeAccessedByLayers("proxy", "health", "server", "admin", "doctor")
                .whereLayer("upstream").mayOnlyBeAccessedByLayers("client", "proxy", "health", "server", "admin", "doctor")
                .whereLayer("observe").mayOnlyBeAccessedByLayers("proxy", "server", "admin", "cli", "doctor", "journal", "explain")
                .whereLayer("balance").mayOnlyBeAccessedByLayers("upstream")
                .whereLayer("failure").mayOnlyBeAccessedByLayers("upstream", "client", "proxy", "health", "server", "observe", "admin", "cli", "doctor", "journal", "explain")
                .check(classes);
    }

    @Test
    void pureLayersDoNotUseNetty() {
        noClasses().that().resideInAnyPackage(
                        "dev.candor.config..", "dev.candor.failure..", "dev.candor.balance..",
                        "dev.candor.observe..", "dev.candor.upstream..", "dev.candor.cli..", "dev.candor.journal..",
                        "dev.candor.event..", "dev.candor.explain..", "dev.candor.foreign..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .because("Netty belongs at the edges (client, proxy, server, demo); the rest is testable without it")
                .check(classes);
    }
}
