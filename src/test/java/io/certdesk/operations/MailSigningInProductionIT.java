package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import io.certdesk.CertdeskApplication;
import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.CaKeystore;
import io.certdesk.authority.MailSigningKey;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Production mode signs its mail only with a key it is given: none is generated, no password has a default. */
class MailSigningInProductionIT {

    @TempDir
    Path dir;

    private String[] production(String... more) {
        CaKeystore.create("qa", dir.resolve("qa-ca.p12"), "secret".toCharArray(), CaKeyType.EC_P384, "CN=Test QA CA", Duration.ofDays(30));
        CaKeystore.create("production", dir.resolve("production-ca.p12"), "secret".toCharArray(), CaKeyType.EC_P384,
                "CN=Test Production CA", Duration.ofDays(30));
        String[] base = {"--server.port=0", "--certdesk.mode=production", "--certdesk.embedded-mail.enabled=false",
                "--certdesk.intake.enabled=false", "--camunda.bpm.process-engine-name=production-mail-signing-test",
                "--spring.datasource.url=jdbc:h2:mem:production-mail-signing-test", "--certdesk.data-dir=" + dir.resolve("data"),
                "--certdesk.mtls.enabled=false",
                "--certdesk.environments.qa.ca-password=secret", "--certdesk.environments.qa.ca-keystore=" + dir.resolve("qa-ca.p12"),
                "--certdesk.environments.production.ca-password=secret",
                "--certdesk.environments.production.ca-keystore=" + dir.resolve("production-ca.p12")};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** Every message from the start-up failure down to its root cause. */
    private static String rootMessage(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void refusesToStartWithoutAMailSigningKeyAndNamesTheVariables() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CertdeskApplication.class).run(production()))
                .satisfies(e -> Assertions.assertThat(rootMessage(e)).contains("production mode")
                        .contains("CERTDESK_MAIL_SIGNING_KEYSTORE").contains("CERTDESK_MAIL_SIGNING_PASSWORD"));
    }

    @Test
    void refusesAMailSigningKeystoreWithoutItsPassword() {
        MailSigningKey.create(dir.resolve("mail-signing.p12"), "secret".toCharArray(), "support@example.test", "support");
        assertThatThrownBy(() -> new SpringApplicationBuilder(CertdeskApplication.class).run(production(
                "--certdesk.mail-signing.keystore=" + dir.resolve("mail-signing.p12"), "--certdesk.mail-signing.password=")))
                .satisfies(e -> Assertions.assertThat(rootMessage(e)).contains("CERTDESK_MAIL_SIGNING_PASSWORD"));
    }

    @Test
    void refusesAMailSigningKeystoreWithTheWrongPassword() {
        MailSigningKey.create(dir.resolve("mail-signing.p12"), "secret".toCharArray(), "support@example.test", "support");
        assertThatThrownBy(() -> new SpringApplicationBuilder(CertdeskApplication.class).run(production(
                "--certdesk.mail-signing.keystore=" + dir.resolve("mail-signing.p12"), "--certdesk.mail-signing.password=wrong")))
                .satisfies(e -> Assertions.assertThat(rootMessage(e)).contains("cannot read the mail-signing keystore").contains("wrong password"));
    }
}
