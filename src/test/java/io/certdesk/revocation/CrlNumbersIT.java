package io.certdesk.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** CRL numbers only grow, whatever the clock does. */
class CrlNumbersIT extends EmbeddedCertdeskTest {

    @TempDir
    Path dir;

    @Test
    void aCrlSignedAfterTheClockWasSteppedBackStillHasAHigherNumber() throws Exception {
        Issued first = onboard("crl-clock-1", "qa", TestCsrs.ec("secp384r1"));
        Issued second = onboard("crl-clock-2", "qa", TestCsrs.ec("secp384r1"));

        revoke(first.serial());
        BigInteger before = crlNumber(dir, http.getForObject("/pki/qa/crl", byte[].class));

        clock.moveBy(Duration.ofHours(2).negated());
        revoke(second.serial());
        byte[] after = http.getForObject("/pki/qa/crl", byte[].class);

        assertThat(crlNumber(dir, after)).as("the CRL signed with the clock two hours back").isGreaterThan(before);
        assertThat(new X509CRLHolder(after).getRevokedCertificate(new BigInteger(second.serial(), 16)))
                .as("and it is the newer CRL").isNotNull();
        assertThat(crlNumber(dir, http.getForObject("/pki/qa/crl", byte[].class))).as("served again unchanged")
                .isEqualTo(crlNumber(dir, after));
    }

    private void revoke(String serial) throws InterruptedException {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations",
                new HttpEntity<>("{\"certificate\":\"" + serial + "\",\"reason\":\"keyCompromise\"}", headers), Map.class)
                .getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        for (int i = 0; i < 300; i++) {
            if ("REVOKED".equals(jdbc.sql("select status from issued_certificate where serial = ?").param(serial).query(String.class).single())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(serial + " was not revoked within 30 s");
    }

    /** The CRL number as {@code openssl crl -noout -crlnumber} prints it, or as BouncyCastle reads it without openssl. */
    static BigInteger crlNumber(Path dir, byte[] der) throws Exception {
        if (Openssl.available()) {
            Files.write(dir.resolve("number.crl"), der);
            String out = Openssl.ok(dir, "openssl crl -inform DER -in number.crl -noout -crlnumber").trim();
            return new BigInteger(out.substring(out.indexOf("0x") + 2), 16);
        }
        var extension = new X509CRLHolder(der).getExtension(Extension.cRLNumber);
        return CRLNumber.getInstance(extension.getParsedValue()).getCRLNumber();
    }
}
