package dev.candor.doctor;

import dev.candor.failure.ErrorType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HumanReportTest {

    private static Report report(Check... checks) {
        return new Report("candor.yaml", List.of(checks), Plan.of(List.of(checks), List.of("app")), 1_200_000_000L);
    }

    private static final Check PASSING = Check.of(Section.BACKEND, "backend.tcp", "app 10.0.0.1:8080")
            .with("connected", 5).pass("5/5 connects");
    private static final Check FAILING = Check.of(Section.BACKEND, "backend.tcp", "app 10.0.0.2:8080")
            .error(ErrorType.CONNECTION_REFUSED).with("connection_refused", 5)
            .advice("start it").confirm("curl -sv 'http://10.0.0.2:8080/'")
            .step(Step.restart("start the backend on 10.0.0.2:8080")).fail("5/5 connects refused");
    private static final Check WARNING = Check.of(Section.CONFIG, "config.timeouts", "app 10.0.0.1:8080")
            .advice("raise it").step(Step.of(Step.Rank.TIMEOUT, "raise timeouts.response")).warn("slow");

    @Test
    void theExitStatusIsTheWorstVerdict() {
        assertThat(report(PASSING).exitCode()).isZero();
        assertThat(report(PASSING, WARNING).exitCode()).isEqualTo(1);
        assertThat(report(PASSING, WARNING, FAILING).exitCode()).isEqualTo(2);
    }

    @Test
    void theVerdictColumnsAreAlignedAndOnlyProblemsShowEvidenceNextStepAndCommand() {
        String text = HumanReport.render(report(PASSING, FAILING), false);

        assertThat(text).contains("  PASS  backend.tcp  app 10.0.0.1:8080  5/5 connects\n")
                .contains("  FAIL  backend.tcp  app 10.0.0.2:8080  connection_refused: 5/5 connects refused\n")
                .contains("        evidence  connection_refused=5\n")
                .contains("        next      start it\n")
                .contains("        confirm   curl -sv 'http://10.0.0.2:8080/'\n")
                .doesNotContain("connected=5")
                .doesNotContain("\u001b[");
    }

    @Test
    void colourIsUsedOnlyWhenAskedFor() {
        String text = HumanReport.render(report(PASSING, WARNING, FAILING), true);

        assertThat(text).contains("\u001b[32mPASS\u001b[0m").contains("\u001b[33mWARN\u001b[0m")
                .contains("\u001b[31mFAIL\u001b[0m");
    }

    @Test
    void thePlanPutsABackendThatIsDownBeforeTuningAndEndsWithTheRestartOrder() {
        List<String> plan = report(WARNING, FAILING).plan();

        assertThat(plan).hasSize(3);
        assertThat(plan.get(0)).isEqualTo("start the backend on 10.0.0.2:8080");
        assertThat(plan.get(1)).isEqualTo("raise timeouts.response");
        assertThat(plan.get(2)).startsWith("restart order: bring the backend up first").contains("flush Candor's pools for app");
    }

    @Test
    void jsonCarriesTheSpecFieldsOfEveryCheck() {
        String json = JsonReport.render(report(PASSING, FAILING));

        assertThat(json).contains("\"id\" : \"backend.tcp\"").contains("\"status\" : \"FAIL\"")
                .contains("\"error\" : \"connection_refused\"").contains("\"error\" : null")
                .contains("\"advice\" : \"start it\"").contains("\"evidence\" : {").contains("\"exit_code\" : 2");
    }
}
