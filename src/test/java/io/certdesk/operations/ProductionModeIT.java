package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.CertdeskApplication;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Production mode generates nothing and starts only with its secrets. */
class ProductionModeIT {

    @Test
    void refusesToStartWithoutItsSecretsAndNamesTheMissingOne() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CertdeskApplication.class)
                .run("--spring.profiles.active=production", "--server.port=0", "--camunda.bpm.process-engine-name=production-test",
                        // keep the plain console log for the tests that follow in this JVM
                        "--logging.structured.format.console="))
                .satisfies(e -> {
                    Throwable root = e;
                    StringBuilder messages = new StringBuilder();
                    while (root != null) {
                        messages.append(root.getMessage()).append('\n');
                        root = root.getCause();
                    }
                    Assertions.assertThat(messages.toString()).containsPattern("CERTDESK_[A-Z_]+");
                });
    }

    @Test
    void refusesAProductionCaWithoutKeystore() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CertdeskApplication.class)
                .run("--server.port=0", "--certdesk.mode=production", "--certdesk.embedded-mail.enabled=false",
                        "--certdesk.intake.enabled=false", "--camunda.bpm.process-engine-name=production-ca-test",
                        "--spring.datasource.url=jdbc:h2:mem:production-ca-test",
                        "--certdesk.environments.qa.ca-password=secret", "--certdesk.environments.qa.ca-keystore=/nonexistent/qa-ca.p12",
                        "--certdesk.environments.production.ca-password=secret",
                        "--certdesk.environments.production.ca-keystore=/nonexistent/production-ca.p12"))
                .satisfies(e -> {
                    Throwable root = e;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    Assertions.assertThat(root.getMessage())
                            .contains("production mode").contains("CA keystore").contains("does not exist");
                });
    }
}
