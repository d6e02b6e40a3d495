package io.certdesk.bench;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.CaKeystore;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.CrlBuilder;
import io.certdesk.authority.IssuanceProfile;
import io.certdesk.authority.MailSigningKey;
import io.certdesk.authority.OcspResponder;
import io.certdesk.authority.OcspResponderKey;
import io.certdesk.authority.Pkcs11Authority;
import io.certdesk.authority.RevocationReason;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.notify.SmimeSigner;
import io.certdesk.request.CsrFacts;
import io.certdesk.support.SoftHsm;
import io.certdesk.support.TestCsrs;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The crypto legs of certdesk, one line per figure: CSR verification and certificate signing (the raw limit the
 * workflow is measured against), CRL generation with 10,000 and 100,000 entries, and OCSP answers; then signing
 * and OCSP through a PKCS#11 token (SoftHSM2) beside the software keystore. Run with
 * {@code mvn -Pbench verify}.
 */
public final class CryptoBenchmark {

    private CryptoBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("certdesk-bench");
        System.out.printf(Locale.ROOT, "# certdesk crypto benchmark, %d cores, Java %s, %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Instant.now());
        PKCS10CertificationRequest p384Csr = TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=acme-42", TestCsrs.p384());
        PKCS10CertificationRequest rsaCsr = TestCsrs.csr("C=BR,O=CLIENT_NAME,OU=Production,CN=client-name", TestCsrs.rsa2048());
        rate("CSR parse+verify, EC P-384 CSR (BouncyCastle)", Duration.ofSeconds(3), () -> CsrFacts.of(p384Csr));
        rate("CSR parse+verify, RSA 2048 CSR (BouncyCastle)", Duration.ofSeconds(3), () -> CsrFacts.of(rsaCsr));
        mailSignature(dir);
        for (CaKeyType type : CaKeyType.values()) {
            CertificateAuthority ca = CaKeystore.create("bench", dir.resolve(type + ".p12"), "bench".toCharArray(), type,
                    "CN=Bench " + type + " CA", Duration.ofDays(3650));
            IssuanceProfile profile = new IssuanceProfile(Duration.ofDays(365), Duration.ofMinutes(5),
                    "http://bench/pki/qa/crl", "http://bench/pki/qa/ocsp");
            ClientCertificateIssuer issuer = new ClientCertificateIssuer();
            SubjectPublicKeyInfo key = p384Csr.getSubjectPublicKeyInfo();
            CertificateSubject subject = CertificateSubject.of(p384Csr.getSubject());
            rate("certificate build+sign, " + type + " CA", Duration.ofSeconds(3),
                    () -> issuer.issue(ca, profile, subject, key, SerialNumbers.next(), Instant.now()));
            for (int entries : new int[]{10_000, 100_000}) {
                List<CrlBuilder.Entry> revoked = new ArrayList<>(entries);
                Instant at = Instant.now();
                for (int i = 0; i < entries; i++) {
                    revoked.add(new CrlBuilder.Entry(SerialNumbers.next(), at, RevocationReason.KEY_COMPROMISE.code()));
                }
                CrlBuilder.build(ca, revoked.subList(0, 100), at, Duration.ofDays(1), BigInteger.ONE);
                long start = System.nanoTime();
                byte[] crl = CrlBuilder.build(ca, revoked, at, Duration.ofDays(1), BigInteger.TWO);
                double ms = (System.nanoTime() - start) / 1e6;
                System.out.printf(Locale.ROOT, "CRL generation, %,d entries, %s CA: %.0f ms (%,d bytes)%n", entries, type, ms, crl.length);
            }
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(ca.certificate()), BigInteger.valueOf(12345));
            OcspResponderKey responder = OcspResponderKey.issue(ca, SerialNumbers.next(), Instant.now(), Duration.ofDays(4));
            byte[] request = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(new byte[16]).getEncoded()))))
                    .build().getEncoded();
            rate("OCSP answer with a nonce (parse, look up, sign with the P-256 responder key), " + type + " CA", Duration.ofSeconds(3),
                    () -> {
                        try {
                            OcspResponder.respond(ca, responder, OcspResponder.read(request), serial -> OcspResponder.Status.GOOD,
                                    Instant.now(), Duration.ofHours(1));
                        } catch (OcspResponder.Malformed e) {
                            throw new IllegalStateException(e);
                        }
                    });
        }
        tokenSigning(p384Csr);
    }

    /** The same signatures through a PKCS#11 token (SoftHSM2), when it is installed and SOFTHSM2_CONF is set. */
    private static void tokenSigning(PKCS10CertificationRequest csr) throws Exception {
        if (!SoftHsm.available()) {
            System.out.println("# PKCS#11 (SoftHSM2): skipped, SoftHSM2 or SOFTHSM2_CONF missing");
            return;
        }
        SoftHsm.tokens(Map.of("bench-ec", "1111", "bench-rsa", "2222"));
        for (CaKeyType type : CaKeyType.values()) {
            String token = type == CaKeyType.EC_P384 ? "bench-ec" : "bench-rsa";
            Pkcs11Authority.createCa("bench", SoftHsm.settings(token, "bench-ca"), type, "CN=Bench " + type + " token CA", Duration.ofDays(3650));
            CertificateAuthority ca = Pkcs11Authority.open("bench", SoftHsm.settings(token, "bench-ca"));
            IssuanceProfile profile = new IssuanceProfile(Duration.ofDays(365), Duration.ofMinutes(5),
                    "http://bench/pki/qa/crl", "http://bench/pki/qa/ocsp");
            ClientCertificateIssuer issuer = new ClientCertificateIssuer();
            SubjectPublicKeyInfo key = csr.getSubjectPublicKeyInfo();
            CertificateSubject subject = CertificateSubject.of(csr.getSubject());
            rate("certificate build+sign, " + type + " CA in SoftHSM2 (PKCS#11)", Duration.ofSeconds(3),
                    () -> issuer.issue(ca, profile, subject, key, SerialNumbers.next(), Instant.now()));
            rate("OCSP responder certificate (issued by the CA), " + type + " CA in SoftHSM2 (PKCS#11)", Duration.ofSeconds(3),
                    () -> OcspResponderKey.issue(ca, SerialNumbers.next(), Instant.now(), Duration.ofDays(4)));
        }
    }

    /** What S/MIME-signing one reply mail costs with the mail signing key certdesk creates in embedded mode. */
    private static void mailSignature(Path dir) throws Exception {
        MailSigningKey key = MailSigningKey.create(dir.resolve("mail-signing.p12"), "bench".toCharArray(), "support@bench.test", "bench");
        SmimeSigner signer = new SmimeSigner(key);
        Session session = Session.getInstance(new Properties());
        MimeMessage reply = new MimeMessage(session);
        reply.setFrom("support@bench.test");
        reply.setRecipients(Message.RecipientType.TO, "jane@acme.test");
        reply.setSubject("[CR-2026-000001] Your client certificate for acme-42 (qa)");
        MimeMultipart parts = new MimeMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText("certdesk signed your client certificate.\n".repeat(60), "UTF-8");
        parts.addBodyPart(text);
        MimeBodyPart certificate = new MimeBodyPart();
        certificate.setText("-----BEGIN CERTIFICATE-----\n" + "MIIB".repeat(400) + "\n-----END CERTIFICATE-----\n", "US-ASCII");
        certificate.setFileName("client-cert.pem");
        parts.addBodyPart(certificate);
        reply.setContent(parts);
        reply.saveChanges();
        rate("reply mail S/MIME signature, " + key.key().getAlgorithm() + " mail signing key of the embedded mode", Duration.ofSeconds(3), () -> {
            try {
                MimeMessage signed = signer.sign(reply, session);
                signed.writeTo(OutputStream.nullOutputStream());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void rate(String what, Duration duration, Runnable work) {
        long warmupEnd = System.nanoTime() + duration.toNanos() / 3;
        while (System.nanoTime() < warmupEnd) {
            work.run();
        }
        long count = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            work.run();
            count++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %,.0f per second (1 thread)%n", what, count / seconds);
    }
}
