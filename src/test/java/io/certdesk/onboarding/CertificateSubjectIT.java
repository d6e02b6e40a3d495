package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A CSR's subject by mail, as a client or an attacker makes it with openssl: only C, ST, L, O, OU and CN are
 * signed, each checked, and the certificate's subject is exactly the one the approver saw.
 */
class CertificateSubjectIT extends EmbeddedCertdeskTest {

    @TempDir
    Path client;

    @BeforeEach
    void needsOpenssl() {
        Openssl.assumeAvailable();
    }

    private static String organization(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private byte[] opensslCsr(String subjOptions) throws Exception {
        Openssl.ok(client, "openssl ecparam -genkey -name secp384r1 -noout -out client-key.pem");
        Openssl.ok(client, "openssl req -new -key client-key.pem -out client.csr " + subjOptions);
        return Files.readAllBytes(client.resolve("client.csr"));
    }

    private void assertNothingIssued(String reference) {
        assertThat(jdbc.sql("select count(*) from issued_certificate where request_reference = ?").param(reference)
                .query(Long.class).single()).isZero();
    }

    static Stream<Arguments> subjectsCertdeskDoesNotSign() {
        return Stream.of(
                Arguments.of("an emailAddress", "-subj '/C=NL/O=ACME BV/OU=API Client/CN=%s/emailAddress=admin@evil.test'",
                        "SUBJECT_ATTRIBUTE_NOT_ALLOWED", "(emailAddress)"),
                Arguments.of("DC components", "-subj '/DC=test/DC=evil/C=NL/O=ACME BV/CN=%s'", "SUBJECT_ATTRIBUTE_NOT_ALLOWED", "(DC)"),
                Arguments.of("a UID", "-subj '/C=NL/O=ACME BV/UID=root/CN=%s'", "SUBJECT_ATTRIBUTE_NOT_ALLOWED", "(UID)"),
                Arguments.of("a serialNumber", "-subj '/C=NL/O=ACME BV/serialNumber=0001/CN=%s'", "SUBJECT_ATTRIBUTE_NOT_ALLOWED",
                        "(serialNumber)"),
                Arguments.of("CN and UID in one RDN", "-multivalue-rdn -subj '/C=NL/O=ACME BV/CN=%s+UID=root'",
                        "SUBJECT_ATTRIBUTE_NOT_ALLOWED", "joined in one RDN (CN+UID)"),
                Arguments.of("markup in L", "-subj '/C=NL/L=<script>alert(1)<\\/script>/O=ACME BV/CN=%s'",
                        "SUBJECT_CHARACTERS_NOT_ALLOWED", "L \"<script>alert(1)</script>\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjectsCertdeskDoesNotSign")
    void refusesAnyOtherSubjectAttributeByMailNamingTheCodeAndTheSubjLineThatWorks(String name, String subj, String code,
                                                                                  String named) throws Exception {
        String org = organization("subj");
        String from = address(org);
        MAILBOX.send(Mailbox.from(from).body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", opensslCsr(String.format(subj, org))));
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        String reference = referenceIn(reply.subject());
        assertThat(reply.subject()).contains("refused");
        assertThat(reply.text()).contains("Nothing was signed").contains("(" + code + ")").contains(named)
                .contains("openssl req -new -key client-key.pem -out client.csr -subj \"/C=NL/O=ACME BV/OU=API Client/CN=" + org + "\"");
        awaitEnded(reference, OnboardingProcess.END_REJECTED_BY_POLICY);
        assertThat(history.createHistoricTaskInstanceQuery().processInstanceBusinessKey(reference).count())
                .as("no approver was asked").isZero();
        assertNothingIssued(reference);
    }

    @Test
    void signsExactlyTheSubjectTheApproverSawInCertdesksOrderWhateverTheCsrsOrder() throws Exception {
        String org = organization("subj-ok");
        String jane = address(org);
        // the order keytool and some libraries write, most specific first; accents, a comma and an apostrophe
        byte[] csr = opensslCsr("-utf8 -subj \"/CN=" + org + "/OU=API Client/O=ACME, Inc./L=Saint-Jean-d'Angély"
                + "/ST=Nouvelle-Aquitaine/C=FR\"");
        MAILBOX.send(Mailbox.from(jane).body("Organization ID: " + org + "\nCompany: ACME, Inc.\nEnvironment: qa\n")
                .attach("client.csr", csr));
        String reference = referenceIn(MAILBOX.awaitOne(jane).subject());
        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        String approved = (String) approvalFacts(approval).get("subject");
        assertThat(approved).isEqualTo("C=FR,ST=Nouvelle-Aquitaine,L=Saint-Jean-d'Angély,O=ACME\\, Inc.,OU=API Client,CN=" + org);
        assertThat(approval.getDescription()).contains(approved);

        decide("approver", approval.getId(), Map.of(OnboardingProcess.APPROVED, true));
        Mailbox.Received delivery = MAILBOX.await(jane, 2, WAIT).get(1);
        awaitEnded(reference, OnboardingProcess.END_DELIVERED);
        Files.write(client.resolve("client-cert.pem"), delivery.attachments().get("client-cert.pem"));
        Files.write(client.resolve("ca-cert.pem"), delivery.attachments().get("ca-cert.pem"));

        String signed = Openssl.ok(client, "openssl x509 -in client-cert.pem -noout -subject -nameopt RFC2253").trim();
        assertThat(signed).isEqualTo("subject=" + asOpensslRfc2253(approved))
                .isEqualTo("subject=CN=" + org + ",OU=API Client,O=ACME\\, Inc.,L=Saint-Jean-d'Ang\\C3\\A9ly,ST=Nouvelle-Aquitaine,C=FR");
        assertThat(Openssl.ok(client, "openssl verify -CAfile ca-cert.pem client-cert.pem").trim()).isEqualTo("client-cert.pem: OK");
        assertThat(jdbc.sql("select subject from issued_certificate where request_reference = ?").param(reference)
                .query(String.class).single()).isEqualTo(approved);
    }

    @Test
    void refusesToSignWhenTheStoredCsrNoLongerGivesTheApprovedSubject() throws Exception {
        String org = organization("subj-swap");
        String from = address(org);
        KeyPair keys = TestCsrs.ec("secp384r1");
        MAILBOX.send(Mailbox.from(from).body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + org, keys)).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(from).subject());
        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        // the same key, another subject: what the approver saw is no longer what the stored CSR asks for
        jdbc.sql("update certificate_request set csr_pem = ? where reference = ?")
                .params(TestCsrs.pem(TestCsrs.csr("C=NL,O=Evil Corp,OU=API Client,CN=" + org, keys)), reference).update();
        String instance = processOf(reference).getId();
        decide("approver", approval.getId(), Map.of(OnboardingProcess.APPROVED, true));

        Job failed = awaitFailedJob(instance);
        assertThat(failed.getExceptionMessage()).contains("not the subject that was approved");
        assertNothingIssued(reference);
        runtime.deleteProcessInstance(instance, "test: signing refused as expected");
    }

    private Job awaitFailedJob(String processInstanceId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Job> failed = engine.getManagementService().createJobQuery().processInstanceId(processInstanceId).withException().list();
            if (!failed.isEmpty()) {
                return failed.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no failed job for " + processInstanceId + " within " + WAIT);
    }

    /**
     * What {@code openssl -nameopt RFC2253} prints for a subject certdesk shows as {@code C=..,CN=..}: the RDNs in
     * reverse order, bytes beyond ASCII as {@code \XX} of their UTF-8 encoding.
     */
    static String asOpensslRfc2253(String shown) {
        List<String> rdns = new ArrayList<>(List.of(shown.split("(?<!\\\\),")));
        Collections.reverse(rdns);
        StringBuilder out = new StringBuilder();
        for (byte b : String.join(",", rdns).getBytes(StandardCharsets.UTF_8)) {
            out.append(b >= 0 ? String.valueOf((char) b) : String.format("\\%02X", b & 0xFF));
        }
        return out.toString();
    }
}
