package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.certdesk.authority.Asn1NestingTest;
import io.certdesk.authority.Crypto;
import io.certdesk.inventory.Organizations;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The corpus of bad mail in src/test/resources/hostile-mail: each file is a mail as a client's program might
 * send it, with {@code X-Corpus-*} header lines (stripped before sending) saying what certdesk must answer.
 * All mails arrive at once; each case then checks its own answer, and that nothing was issued that should
 * not be.
 * <ul>
 *   <li>{@code X-Corpus-Expect}: {@code refused} (policy rejection), {@code not-a-request}, {@code acknowledged},
 *       {@code approval} (goes to an approver; CSR extensions are shown and never copied) or
 *       {@code revocation-awaits-approval};</li>
 *   <li>{@code X-Corpus-Reply}: text the reply must contain; {@code X-Corpus-Reply-Lacks}: text it must not; {@code X-Corpus-Finding}: text the approver's findings
 *       must contain; {@code X-Corpus-Not-Reached}: an address that must receive nothing.</li>
 * </ul>
 * Placeholders: {@code ${from}}, {@code ${org}}, {@code ${messageId}}, {@code ${victim}}, {@code ${csr:kind}},
 * {@code ${base64:50MB}}, {@code ${nested:levels}}, and for a known organization {@code ${known}}, {@code ${knownContact}}, {@code ${knownSerial}}.
 */
class HostileMailCorpusIT extends EmbeddedCertdeskTest {

    static final Path CORPUS = Path.of("src/test/resources/hostile-mail");
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9]+)(?::([^}]+))?}");

    record Case(String file, String description, String expect, List<String> replies, List<String> replyLacks,
                List<String> findings, List<String> notReached, String from, String org) {
        @Override
        public String toString() {
            return file + ": " + description;
        }
    }

    static final Map<String, Case> SENT = new HashMap<>();
    static String knownOrganization;
    static EmbeddedCertdeskTest.Issued known;

    @Autowired
    Organizations organizations;

    static Stream<String> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".eml")).sorted().toList().stream();
        }
    }

    /** Sends the whole corpus the first time a case runs, so all of it arrives together. */
    private synchronized void sendAllOnce() throws Exception {
        if (!SENT.isEmpty()) {
            return;
        }
        knownOrganization = "corpus-known-" + UUID.randomUUID().toString().substring(0, 6);
        known = onboard(knownOrganization, "qa", TestCsrs.ec("secp384r1"));
        for (String file : corpus().toList()) {
            String name = file.substring(0, 2);
            String from = address("corpus-" + name);
            String org = "corpus-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
            String victim = address("victim-" + name);
            Map<String, String> values = Map.of("from", from, "org", org, "victim", victim,
                    "victimQ", victim.replace("@", "=40"), "messageId", UUID.randomUUID() + "@corpus.test",
                    "known", knownOrganization, "knownContact", known.contact(),
                    "knownSerial", known.serial());
            String template = Files.readString(CORPUS.resolve(file), StandardCharsets.UTF_8);
            List<String> meta = new ArrayList<>();
            StringBuilder mail = new StringBuilder();
            for (String line : template.split("\n", -1)) {
                if (line.startsWith("X-Corpus-")) {
                    meta.add(expand(line, values, org));
                } else {
                    mail.append(expand(line, values, org)).append("\r\n");
                }
            }
            SENT.put(file, new Case(file, value(meta, "Case").get(0), value(meta, "Expect").get(0), value(meta, "Reply"),
                    value(meta, "Reply-Lacks"), value(meta, "Finding"), value(meta, "Not-Reached"), from, org));
            MAILBOX.sendRaw(mail.toString());
        }
    }

    private static List<String> value(List<String> meta, String name) {
        return meta.stream().filter(l -> l.startsWith("X-Corpus-" + name + ":")).map(l -> l.substring(l.indexOf(':') + 1).trim()).toList();
    }

    private static String expand(String line, Map<String, String> values, String org) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = switch (m.group(1)) {
                case "csr" -> csr(m.group(2), org);
                case "base64" -> Base64.getMimeEncoder().encodeToString(new byte[50 * 1024 * 1024]);
                // BER nested that many levels deep (30 80 ...), in base64: parsers that recurse overflow their stack
                case "nested" -> Base64.getMimeEncoder().encodeToString(Asn1NestingTest.indefinitelyNested(Integer.parseInt(m.group(2))));
                default -> values.get(m.group(1));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.replace("\n", "\r\n")));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String csr(String kind, String org) {
        String subject = "C=NL,O=Corpus BV,CN=" + org;
        return switch (kind) {
            case "p384" -> TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.p384()));
            case "p384-other" -> TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.ec("secp384r1")));
            // inside a quoted-printable body, so its '=' written as =3D
            case "p384-mueller-qp" -> TestCsrs.pem(TestCsrs.csr("C=DE,O=M\u00fcller GmbH,CN=" + org, TestCsrs.p384())).replace("=", "=3D");
            case "known" -> TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + knownOrganization, TestCsrs.ec("secp384r1")));
            case "truncated" -> {
                String pem = TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.p384()));
                yield pem.substring(0, pem.length() / 2);
            }
            case "foreign-signature" -> TestCsrs.pem(TestCsrs.csrWithForeignSignature(subject));
            case "rsa1024" -> TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.rsa(1024)));
            case "rsa16384" -> TestCsrs.pem(TestCsrs.csrWithRsaModulusBits(subject, 16384));
            case "secp256k1" -> TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.bouncyCastleEc("secp256k1"), "SHA256withECDSA"));
            case "sha1" -> TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.rsa2048(), "SHA1withRSA"));
            case "asks-for-ca" -> TestCsrs.pem(TestCsrs.csrAskingForCa(subject, TestCsrs.p384()));
            case "ekus-and-sans" -> TestCsrs.pem(csrWithExtensions(subject));
            case "control-characters" -> TestCsrs.pem(csrWithCommonName(org + "\u0007\u001b[31m"));
            case "cn-10kb" -> TestCsrs.pem(csrWithCommonName(org + "a".repeat(10 * 1024)));
            // Cyrillic es (U+0441) and o (U+043E) where the organization id has Latin c and o
            case "homoglyph" -> TestCsrs.pem(csrWithCommonName(org.replace('c', '\u0441').replace('o', '\u043e')));
            case "two-cns" -> TestCsrs.pem(TestCsrs.csr(subject + ",CN=" + org + "-second", TestCsrs.p384()));
            default -> throw new IllegalArgumentException("unknown CSR kind in the corpus: " + kind);
        };
    }

    private static PKCS10CertificationRequest csrWithCommonName(String commonName) {
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "NL").addRDN(BCStyle.O, "Corpus BV")
                    .addRDN(BCStyle.CN, commonName).build();
            KeyPair keys = TestCsrs.p384();
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").setProvider(Crypto.provider()).build(keys.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PKCS10CertificationRequest csrWithExtensions(String subject) {
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning}));
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.dNSName, "api.bank.example"), new GeneralName(GeneralName.dNSName, "*.example")}));
            KeyPair keys = TestCsrs.p384();
            return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").setProvider(Crypto.provider()).build(keys.getPrivate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachBadMailGetsItsAnswerAndNothingIsWronglyIssued(String file) throws Exception {
        sendAllOnce();
        Case c = SENT.get(file);
        if (c.expect().equals("revocation-awaits-approval")) {
            revocationWaitsForAnApprover();
            return;
        }
        Mailbox.Received reply = MAILBOX.await(c.from(), 1, WAIT).get(0);
        assertThat(reply.subject()).as(c + ": reply subject").doesNotContain("\r").doesNotContain("\n");
        switch (c.expect()) {
            case "refused" -> assertThat(reply.subject()).as(c.toString()).contains("refused");
            case "not-a-request" -> assertThat(reply.text()).as(c.toString()).contains("held no certificate signing request");
            case "acknowledged", "approval" -> assertThat(reply.subject()).as(c.toString()).contains("received");
            default -> throw new IllegalArgumentException(c + ": unknown expectation " + c.expect());
        }
        for (String text : c.replies()) {
            assertThat(reply.text()).as(c + ": reply text").contains(text);
        }
        for (String text : c.replyLacks()) {
            assertThat(reply.text()).as(c + ": the reply tells the sender nothing of this").doesNotContain(text);
        }
        if (c.expect().equals("approval")) {
            decide(c, referenceIn(reply.subject()));
        } else {
            assertThat(issuedTo(c.from())).as(c + ": certificates issued").isZero();
        }
        if (!c.notReached().isEmpty()) {
            Thread.sleep(1000);
            for (String address : c.notReached()) {
                assertThat(MAILBOX.read(address, "INBOX")).as(c + ": mail reached " + address).isEmpty();
            }
        }
    }

    /** The approver sees what the corpus case expects; CSR extensions never reach the certificate. */
    private void decide(Case c, String reference) throws Exception {
        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        String findings = approvalFacts(approval).get("findings").toString();
        for (String text : c.findings()) {
            assertThat(findings).as(c + ": findings shown to the approver").contains(text);
        }
        if (c.findings().contains("CONTACT_NOT_REGISTERED")) {
            decide("approver", approval.getId(), Map.of("approved", false, "rejectionReason", "Not a registered contact"));
            assertThat(organizations.contacts(knownOrganization)).extracting(Organizations.Contact::email)
                    .as("a stranger does not become a contact").doesNotContain(c.from());
            return;
        }
        decide("approver", approval.getId(), Map.of("approved", true));
        Mailbox.Received delivery = MAILBOX.await(c.from(), 2, WAIT).get(1);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(delivery.attachments().get("client-cert.pem")));
        assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(certificate.getSubjectAlternativeNames()).as("no SANs copied").isNull();
        assertThat(certificate.getExtendedKeyUsage()).as("clientAuth only").containsExactly(KeyPurposeId.id_kp_clientAuth.getId());
    }

    private void revocationWaitsForAnApprover() throws Exception {
        awaitTask(known.serial(), "UserTask_ApproveRevocation");
        assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(known.serial()).query(String.class).single())
                .as("a mail alone never revokes").isEqualTo("ACTIVE");
    }

    private long issuedTo(String sender) {
        return jdbc.sql("select count(*) from issued_certificate c join certificate_request r on r.reference = c.request_reference "
                + "where r.sender_email = ?").param(sender).query(Long.class).single();
    }
}
