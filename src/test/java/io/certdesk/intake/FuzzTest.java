package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.CsrFormatException;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;
import io.certdesk.request.RequestPolicy;
import io.certdesk.support.TestCsrs;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile input for a bounded time, from a fixed seed (printed, so a failure can be replayed with
 * {@code -Dfuzz.seed=N}): damaged CSRs must end in a {@link CsrFormatException} or in policy findings, and
 * damaged mails must be read into something certdesk can answer. Any other exception would leave a process
 * stuck or a mail unanswered.
 */
public class FuzzTest {

    static final long SEED = Long.getLong("fuzz.seed", 20261123L);
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 4L));

    static final byte[] CSR_DER = encoded(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=acme-42", TestCsrs.p384()));
    static final byte[] RSA_CSR_DER = encoded(TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.rsa2048()));

    static final String MAIL = """
            From: Jane Roe <jane@acme.test>\r
            To: support@certdesk.local\r
            Subject: =?UTF-8?Q?Zertifikat_f=C3=BCr?= acme-42\r
            Message-ID: <fuzz@acme.test>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="outer"\r
            \r
            --outer\r
            Content-Type: multipart/alternative; boundary="inner"\r
            \r
            --inner\r
            Content-Type: text/plain; charset=ISO-8859-1\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Organization ID: acme-42\r
            Company: M=FCller BV\r
            Environment: qa\r
            --inner\r
            Content-Type: text/html; charset=UTF-8\r
            \r
            <p>Organization ID: acme-42</p>\r
            --inner--\r
            --outer\r
            Content-Type: application/pkcs10; name="client.csr"\r
            Content-Disposition: attachment; filename="client.csr"\r
            Content-Transfer-Encoding: base64\r
            \r
            %s\r
            --outer--\r
            """.formatted(Base64.getMimeEncoder().encodeToString(CSR_DER));

    static byte[] encoded(PKCS10CertificationRequest csr) {
        try {
            return csr.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One random damage: flipped bits, changed, inserted or removed bytes, a cut, or a duplicated slice. */
    public static byte[] mutate(byte[] input, Random random) {
        byte[] data = input.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && data.length > 0; r++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(6)) {
                case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> data[at] = (byte) random.nextInt(256);
                case 2 -> data = Arrays.copyOf(data, at);
                case 3 -> {
                    byte[] grown = new byte[data.length + 1];
                    System.arraycopy(data, 0, grown, 0, at);
                    grown[at] = (byte) (random.nextBoolean() ? 0x80 | random.nextInt(128) : random.nextInt(256));
                    System.arraycopy(data, at, grown, at + 1, data.length - at);
                    data = grown;
                }
                case 4 -> {
                    byte[] shrunk = new byte[data.length - 1];
                    System.arraycopy(data, 0, shrunk, 0, at);
                    System.arraycopy(data, at + 1, shrunk, at, data.length - at - 1);
                    data = shrunk;
                }
                default -> {
                    int length = Math.min(data.length - at, 1 + random.nextInt(64));
                    byte[] grown = new byte[data.length + length];
                    System.arraycopy(data, 0, grown, 0, at + length);
                    System.arraycopy(data, at, grown, at + length, data.length - at);
                    data = grown;
                }
            }
        }
        return data;
    }

    @Test
    void damagedCsrsEndInAClearRefusalNeverInAnUnexpectedException() {
        Random random = new Random(SEED);
        RequestPolicy policy = new RequestPolicy(PolicySettings.defaults(Set.of("qa", "production")));
        RequestClaims claims = new RequestClaims("acme-42", "mail", "ACME BV", "Jane Roe", "jane@acme.test",
                "jane@acme.test", "qa", "mail");
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int runs = 0;
        int refused = 0;
        while (System.nanoTime() < deadline) {
            byte[] seed = random.nextBoolean() ? CSR_DER : RSA_CSR_DER;
            byte[] input = mutate(seed, random);
            if (random.nextInt(4) == 0) {
                input = ("-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(input)
                        + "\n-----END CERTIFICATE REQUEST-----\n").getBytes(StandardCharsets.US_ASCII);
            }
            runs++;
            try {
                CsrFacts facts = CsrFacts.read(input);
                assertThat(policy.evaluate(facts, claims)).isNotNull();
            } catch (CsrFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                refused++;
            } catch (RuntimeException | AssertionError e) {
                fail("seed " + SEED + ", run " + runs + ": " + e + " for input " + HexFormat.of().formatHex(input), e);
            }
        }
        System.out.printf("CSR fuzz: %d damaged CSRs in %s (seed %d), %d refused as unreadable%n", runs, BUDGET, SEED, refused);
        assertThat(runs).isGreaterThan(1000);
        assertThat(refused).isGreaterThan(0);
    }

    @Test
    void damagedMailsAreReadIntoSomethingCertdeskCanAnswer() {
        Random random = new Random(SEED + 1);
        Session session = Session.getInstance(new Properties());
        byte[] mail = MAIL.getBytes(StandardCharsets.ISO_8859_1);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int runs = 0;
        while (System.nanoTime() < deadline) {
            byte[] input = mutate(mail, random);
            runs++;
            try {
                IncomingMail read = MailReader.read(new MimeMessage(session, new ByteArrayInputStream(input)));
                assertThat(read.messageId()).isNotBlank();
                assertThat(SubmissionReader.read(read)).isNotNull();
            } catch (Exception | AssertionError e) {
                fail("seed " + (SEED + 1) + ", run " + runs + ": " + e + " for mail:\n" + new String(input, StandardCharsets.ISO_8859_1), e);
            }
        }
        System.out.printf("MIME fuzz: %d damaged mails in %s (seed %d), each read%n", runs, BUDGET, SEED + 1);
        assertThat(runs).isGreaterThan(1000);
    }
}
