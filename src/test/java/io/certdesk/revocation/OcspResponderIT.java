package io.certdesk.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.certdesk.authority.SerialNumbers;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The OCSP responder as anyone on the network meets it: answers signed by a short-lived delegated responder
 * certificate that openssl verifies with the CA certificate alone, the same signed answer reused while nothing
 * changed, and requests that would cost unbounded work refused.
 */
class OcspResponderIT extends EmbeddedCertdeskTest {

    @TempDir
    Path dir;
    @LocalServerPort
    int port;

    private String opensslOcsp(String certFile, String options) {
        return Openssl.ok(dir, "openssl ocsp -issuer ca.pem -cert " + certFile + " -CAfile ca.pem -url http://127.0.0.1:" + port
                + "/pki/qa/ocsp " + options);
    }

    private X509Certificate ca() throws Exception {
        return certificate(http.getForObject("/pki/qa/ca.pem", String.class));
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes()));
    }

    private CertificateID id(BigInteger serial) throws Exception {
        return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(ca()), serial);
    }

    private static byte[] request(int nonceBytes, CertificateID... ids) throws Exception {
        OCSPReqBuilder builder = new OCSPReqBuilder();
        for (CertificateID id : ids) {
            builder.addRequest(id);
        }
        if (nonceBytes >= 0) {
            byte[] nonce = new byte[nonceBytes];
            new SecureRandom().nextBytes(nonce);
            builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(new DEROctetString(nonce).getEncoded()))));
        }
        return builder.build().getEncoded();
    }

    private ResponseEntity<byte[]> post(byte[] body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType("application/ocsp-request"));
        return http.postForEntity("/pki/qa/ocsp", new HttpEntity<>(body, headers), byte[].class);
    }

    private OCSPResp ocsp(byte[] body) throws Exception {
        ResponseEntity<byte[]> answer = post(body);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
        return new OCSPResp(answer.getBody());
    }

    @Test
    void opensslVerifiesAnswersFromTheDelegatedResponderWithAndWithoutNonce() throws Exception {
        Issued issued = onboard("ocsp-openssl", "qa", TestCsrs.ec("secp384r1"));
        Openssl.assumeAvailable();
        Files.writeString(dir.resolve("ca.pem"), http.getForObject("/pki/qa/ca.pem", String.class));
        Files.writeString(dir.resolve("client.pem"), issued.certificatePem());

        String withNonce = opensslOcsp("client.pem", "-resp_text");
        assertThat(withNonce).contains("Response verify OK").contains("client.pem: good")
                .doesNotContain("WARNING: no nonce in response");
        assertThat(withNonce).as("signed by a delegated responder, not the CA key").contains("OCSP Signing").contains("OCSP No Check")
                .contains("CN=qa OCSP responder");
        String withoutNonce = opensslOcsp("client.pem", "-no_nonce");
        assertThat(withoutNonce).contains("Response verify OK").contains("client.pem: good");
    }

    @Test
    void theResponderCertificateIsShortLivedIssuedByTheCaAndInTheInventory() throws Exception {
        Issued issued = onboard("ocsp-inventory", "qa", TestCsrs.ec("secp384r1"));
        BasicOCSPResp basic = (BasicOCSPResp) ocsp(request(-1, id(new BigInteger(issued.serial(), 16)))).getResponseObject();
        X509CertificateHolder responder = basic.getCerts()[0];
        assertThat(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))).isTrue();
        assertThat(responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca().getPublicKey()))).as("issued by the CA").isTrue();
        assertThat(Duration.between(responder.getNotBefore().toInstant(), responder.getNotAfter().toInstant()))
                .isLessThanOrEqualTo(Duration.ofDays(5));
        assertThat(jdbc.sql("select purpose from issued_certificate where serial = ?").param(SerialNumbers.hex(responder.getSerialNumber()))
                .query(String.class).single()).isEqualTo("OCSP_SIGNING");
    }

    @Test
    void theResponderCertificateIsReplacedBeforeItExpires() throws Exception {
        byte[] question = request(16, id(BigInteger.valueOf(777)));
        X509CertificateHolder before = ((BasicOCSPResp) ocsp(question).getResponseObject()).getCerts()[0];
        clock.moveBy(Duration.ofDays(3));
        BasicOCSPResp later = (BasicOCSPResp) ocsp(question).getResponseObject();
        X509CertificateHolder after = later.getCerts()[0];
        assertThat(after.getSerialNumber()).as("a new responder certificate").isNotEqualTo(before.getSerialNumber());
        assertThat(after.getNotAfter()).isAfter(before.getNotAfter());
        assertThat(later.getResponses()[0].getNextUpdate()).as("no answer outlives its responder certificate")
                .isBeforeOrEqualTo(after.getNotAfter());
        assertThat(later.isSignatureValid(new JcaContentVerifierProviderBuilder().build(after))).isTrue();
    }

    @Test
    void aResponderCertificateAnAdministratorRevokedIsReplaced() throws Exception {
        byte[] question = request(16, id(BigInteger.valueOf(778)));
        String serial = SerialNumbers.hex(((BasicOCSPResp) ocsp(question).getResponseObject()).getCerts()[0].getSerialNumber());
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations",
                new HttpEntity<>("{\"certificate\":\"" + serial + "\",\"reason\":\"keyCompromise\"}", json), Map.class)
                .getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (history.createHistoricActivityInstanceQuery().activityId(RevocationProcess.END_REVOKED).list().stream()
                .noneMatch(a -> serial.equals(history.createHistoricProcessInstanceQuery().processInstanceId(a.getProcessInstanceId())
                        .singleResult().getBusinessKey()))) {
            assertThat(System.currentTimeMillis()).as("revocation of the responder certificate ends").isLessThan(deadline);
            Thread.sleep(100);
        }
        clock.moveBy(Duration.ofMinutes(2));
        X509CertificateHolder next = ((BasicOCSPResp) ocsp(question).getResponseObject()).getCerts()[0];
        assertThat(SerialNumbers.hex(next.getSerialNumber())).as("a new responder certificate within a minute").isNotEqualTo(serial);
    }

    @Test
    void theSameQuestionWithoutNonceGetsTheSameSignedAnswerAndANonceGetsAFreshOne() throws Exception {
        Issued issued = onboard("ocsp-reuse", "qa", TestCsrs.ec("secp384r1"));
        CertificateID id = id(new BigInteger(issued.serial(), 16));
        byte[] first = post(request(-1, id)).getBody();
        assertThat(post(request(-1, id)).getBody()).as("reused, not signed again").isEqualTo(first);
        byte[] withNonce = request(16, id);
        BasicOCSPResp fresh = (BasicOCSPResp) ocsp(withNonce).getResponseObject();
        assertThat(fresh.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)).as("nonce echoed").isNotNull();
        assertThat(fresh.getEncoded()).isNotEqualTo(((BasicOCSPResp) new OCSPResp(first).getResponseObject()).getEncoded());
    }

    @Test
    void aRevokedCertificateIsRevokedAtOnceEvenWhenAGoodAnswerWasKept() throws Exception {
        Issued issued = onboard("ocsp-revoked", "qa", TestCsrs.ec("secp384r1"));
        CertificateID id = id(new BigInteger(issued.serial(), 16));
        byte[] good = post(request(-1, id)).getBody();
        assertThat(post(request(-1, id)).getBody()).as("a good answer kept").isEqualTo(good);
        assertThat(((BasicOCSPResp) new OCSPResp(good).getResponseObject()).getResponses()[0].getCertStatus()).isNull();

        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations",
                new HttpEntity<>("{\"certificate\":\"" + issued.serial() + "\",\"reason\":\"keyCompromise\"}", json), Map.class)
                .getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        for (int i = 0; i < 300 && !"REVOKED".equals(jdbc.sql("select status from issued_certificate where serial = ?")
                .param(issued.serial()).query(String.class).single()); i++) {
            Thread.sleep(20);
        }
        assertThat(((BasicOCSPResp) ocsp(request(-1, id)).getResponseObject()).getResponses()[0].getCertStatus())
                .as("the first answer after the revocation").isInstanceOf(RevokedStatus.class);
        if (Openssl.available()) {
            Files.writeString(dir.resolve("ca.pem"), http.getForObject("/pki/qa/ca.pem", String.class));
            Files.writeString(dir.resolve("client.pem"), issued.certificatePem());
            assertThat(opensslOcsp("client.pem", "-no_nonce")).contains("Response verify OK").contains("client.pem: revoked");
        }
    }

    @Test
    void aNonceLongerThan32BytesIsAMalformedRequest() throws Exception {
        CertificateID id = id(BigInteger.valueOf(4242));
        assertThat(ocsp(request(32, id)).getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        assertThat(ocsp(request(33, id)).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        assertThat(ocsp(request(4000, id)).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        assertThat(ocsp(request(0, id)).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
    }

    @Test
    void aRequestNestedToOverflowTheParserIsAMalformedRequest() throws Exception {
        // 8,000 levels of 30 80 ... 00 00: exactly 16 KiB, within the body limit
        byte[] nested = new byte[16 * 1024];
        for (int i = 0; i < 4096; i++) {
            nested[2 * i] = 0x30;
            nested[2 * i + 1] = (byte) 0x80;
        }
        for (int round = 0; round < 3; round++) {
            ResponseEntity<byte[]> answer = post(nested);
            assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(new OCSPResp(answer.getBody()).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        }
    }

    @Test
    void moreThanTenCertificatesInOneRequestIsAMalformedRequest() throws Exception {
        CertificateID[] ids = new CertificateID[11];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id(BigInteger.valueOf(1000 + i));
        }
        assertThat(ocsp(request(-1, Arrays.copyOf(ids, 10))).getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        assertThat(ocsp(request(-1, ids)).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
    }

    @Test
    void aBodyOver16KibIsRefusedWith413UnreadAlsoWhenStreamed() throws Exception {
        byte[] large = new byte[16 * 1024 + 1];
        assertThat(post(new byte[16 * 1024]).getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<byte[]> tooLarge = post(large);
        assertThat(tooLarge.getStatusCode()).isEqualTo(HttpStatus.PAYLOAD_TOO_LARGE);
        assertThat(new String(tooLarge.getBody())).contains("OCSP_REQUEST_TOO_LARGE");

        byte[] megabyte = new byte[1024 * 1024];
        HttpResponse<String> streamed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pki/qa/ocsp"))
                .header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(megabyte))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).as("chunked, no Content-Length").isEqualTo(413);
    }

    @Test
    void aRequestNamingOnlyAnotherIssuerIsUnauthorizedWithoutASignature() throws Exception {
        CertificateID foreign = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(certificate(http.getForObject("/pki/production/ca.pem", String.class))), BigInteger.TEN);
        assertThat(ocsp(request(16, foreign)).getStatus()).isEqualTo(OCSPResp.UNAUTHORIZED);
    }
}
