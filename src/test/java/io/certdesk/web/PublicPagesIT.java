package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.CaKeystore;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.IssuanceProfile;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.intake.FuzzTest;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** What a client reaches without logging in, and what stays behind a login. */
class PublicPagesIT extends EmbeddedCertdeskTest {

    @TempDir
    Path dir;

    private ResponseEntity<Map> validate(String environment, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.TEXT_PLAIN);
        return http.postForEntity("/pki/" + environment + "/validate", new HttpEntity<>(body, headers), Map.class);
    }

    @Test
    void servesTheCaCertificateAndItsFingerprintWithoutLogin() throws Exception {
        ResponseEntity<String> ca = http.getForEntity("/pki/production/ca.pem", String.class);
        assertThat(ca.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ca.getBody()).startsWith("-----BEGIN CERTIFICATE-----");
        String fingerprint = http.getForObject("/pki/production/ca-fingerprint", String.class).trim();
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        Openssl.assumeAvailable();
        Files.writeString(dir.resolve("ca.pem"), ca.getBody());
        assertThat(Openssl.ok(dir, "openssl x509 -in ca.pem -noout -fingerprint -sha256").trim())
                .isEqualTo("sha256 Fingerprint=" + fingerprint);
    }

    @Test
    void answersAnUnknownEnvironmentWith404AndTheKnownOnes() {
        ResponseEntity<Map> response = http.getForEntity("/pki/staging/ca.pem", Map.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat((String) response.getBody().get("error")).contains("staging").contains("qa").contains("production");
    }

    @Test
    void theValidatorExplainsWhatIsWrongWithGarbage() {
        assertThat(validate("qa", "hello").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) validate("qa", "hello").getBody().get("error")).contains("no PEM certificate");
        assertThat((String) validate("qa", TestCsrs.pem(TestCsrs.csr("CN=x", TestCsrs.p384()))).getBody().get("error"))
                .contains("This is a CSR");
        assertThat((String) validate("qa", TestCsrs.privateKeyPem(TestCsrs.p384())).getBody().get("error"))
                .contains("private key");
        assertThat((String) validate("qa", "-----BEGIN CERTIFICATE-----\nMIIBaaaa\n-----END CERTIFICATE-----\n").getBody().get("error"))
                .contains("damaged");
        ResponseEntity<Map> empty = http.postForEntity("/pki/qa/validate", null, Map.class);
        assertThat(empty.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    /** Raw HTTP/1.1 to the validator: the request line, headers and what of the body is sent; the status line back. */
    private String validatorAnswer(String headers, byte[] body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", URI.create(http.getRootUri()).getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /pki/qa/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-pem-file\r\n"
                    + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void theValidatorAnswersAHugeBodyWithoutWaitingForItOrHoldingIt() throws Exception {
        // a gigabyte announced: answered at once, without waiting for (or keeping) what never comes
        assertThat(validatorAnswer("Content-Length: 1000000000\r\n", "-----BEGIN".getBytes(StandardCharsets.US_ASCII)))
                .contains("413");
        // and chunked, with no length announced: read up to the limit only
        byte[] chunk = new byte[200 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'A');
        byte[] chunked = ("32000\r\n" + new String(chunk, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(validatorAnswer("Transfer-Encoding: chunked\r\n", chunked)).contains("413");
    }

    @Test
    void theValidatorSaysACertificateFromAnotherCaWasNotIssuedHere(@TempDir Path keys) {
        CertificateAuthority other = CaKeystore.create("qa", keys.resolve("other.p12"), "x".toCharArray(), CaKeyType.EC_P384,
                "CN=certdesk QA Client CA,O=certdesk,C=NL", Duration.ofDays(30));
        PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384());
        String foreign = Pem.encode(new ClientCertificateIssuer().issue(other,
                new IssuanceProfile(Duration.ofDays(1), Duration.ZERO, null, null), CertificateSubject.of(csr.getSubject()), csr.getSubjectPublicKeyInfo(),
                SerialNumbers.next(), Instant.now()));
        ResponseEntity<Map> verdict = validate("qa", foreign);
        assertThat(verdict.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(verdict.getBody()).containsEntry("valid", false).containsEntry("issuedByThisCa", false)
                .containsEntry("status", "NOT_ISSUED_HERE");
        assertThat(verdict.getBody().get("problems").toString()).contains("signature does not verify");
    }

    @Test
    void publishesASignedCrlThatOpensslAccepts() throws Exception {
        ResponseEntity<byte[]> crl = http.getForEntity("/pki/qa/crl", byte[].class);
        assertThat(crl.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(crl.getHeaders().getContentType().toString()).isEqualTo("application/pkix-crl");
        Openssl.assumeAvailable();
        Files.write(dir.resolve("qa.crl"), crl.getBody());
        Files.writeString(dir.resolve("ca.pem"), http.getForObject("/pki/qa/ca.pem", String.class));
        String text = Openssl.ok(dir, "openssl crl -inform DER -in qa.crl -CAfile ca.pem -text -noout 2>&1");
        assertThat(text).contains("verify OK").contains("Issuer: CN = certdesk QA Client CA").contains("Next Update");
    }

    @Test
    void theEngineRestApiAndTheWebappsRequireLogin() {
        assertThat(http.getForEntity("/engine-rest/task", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(http.withBasicAuth("approver", "approver").getForEntity("/engine-rest/task", String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(http.withBasicAuth("nobody", "wrong").getForEntity("/engine-rest/task", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(http.getForEntity("/camunda/api/engine/engine/default/task/count", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    /** Damaged certificates and OCSP requests from a fixed seed: always an answer, never a server error. */
    @Test
    void theValidatorAndTheOcspResponderNeverFailOnDamagedInput() throws Exception {
        Issued issued = onboard("fuzz-web-1", "qa", TestCsrs.ec("secp384r1"));
        var factory = CertificateFactory.getInstance("X.509");
        var certificate = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(issued.certificatePem().getBytes()));
        var ca = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(http.getForObject("/pki/qa/ca.pem", String.class).getBytes()));
        var id = new CertificateID(new JcaDigestCalculatorProviderBuilder()
                .build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(ca), certificate.getSerialNumber());
        byte[] ocspRequest = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        Random random = new Random(20261123L);
        HttpHeaders ocspHeaders = new HttpHeaders();
        ocspHeaders.setContentType(MediaType.parseMediaType("application/ocsp-request"));
        for (int i = 0; i < 300; i++) {
            byte[] der = FuzzTest.mutate(certificate.getEncoded(), random);
            String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE-----\n";
            ResponseEntity<String> verdict = http.postForEntity("/pki/qa/validate", new HttpEntity<>(pem), String.class);
            assertThat(verdict.getStatusCode().value()).as("validator, input %d", i).isLessThan(500);
            ResponseEntity<byte[]> answer = http.postForEntity("/pki/qa/ocsp",
                    new HttpEntity<>(FuzzTest.mutate(ocspRequest, random), ocspHeaders), byte[].class);
            assertThat(answer.getStatusCode().value()).as("OCSP, input %d", i).isLessThan(500);
        }
    }
}
