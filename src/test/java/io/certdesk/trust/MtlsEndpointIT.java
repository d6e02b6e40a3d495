package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.CaKeystore;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.IssuanceProfile;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** The guide's handshake checks against the mTLS test endpoint: curl --cert and openssl s_client. */
@ExtendWith(OutputCaptureExtension.class)
class MtlsEndpointIT extends EmbeddedCertdeskTest {

    @TempDir
    Path client;

    @BeforeEach
    void needsOpenssl() {
        Openssl.assumeAvailable();
    }

    private String curl(String cert, String key) {
        return "curl -sk -o /dev/null -w '%{http_code}' --http1.1 --cert " + cert + " --key " + key
                + " https://127.0.0.1:" + MTLS_PORT + "/test";
    }

    private String sClient(String cert, String key) {
        return "openssl s_client -connect 127.0.0.1:" + MTLS_PORT + " -servername localhost -cert " + cert + " -key " + key
                + " -brief < /dev/null 2>&1";
    }

    private void writeKeyAndCertificate(String name, KeyPair keys, String certificatePem) throws Exception {
        Files.writeString(client.resolve(name + ".key"), TestCsrs.privateKeyPem(keys));
        Files.writeString(client.resolve(name + ".crt"), certificatePem);
    }

    @Test
    void aCertdeskCertificateConnectsAndGets404AsTheGuideSays() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("mtls-good", "qa", keys);
        writeKeyAndCertificate("nuvy-client", keys, issued.certificatePem());
        assertThat(Openssl.ok(client, curl("nuvy-client.crt", "nuvy-client.key"))).isEqualTo("404");
        assertThat(Openssl.ok(client, "curl -sk --cert nuvy-client.crt --key nuvy-client.key https://127.0.0.1:" + MTLS_PORT
                + "/camunda/app/tasklist/")).as("the listener serves nothing but the test")
                .contains("your client certificate (").contains("CN=mtls-good").contains("was accepted");
        String handshake = Openssl.ok(client, sClient("nuvy-client.crt", "nuvy-client.key"));
        assertThat(handshake).contains("CONNECTION ESTABLISHED");
        Files.writeString(client.resolve("ca.pem"), http.getForObject("/pki/qa/ca.pem", String.class));
        assertThat(Openssl.ok(client, "openssl s_client -connect 127.0.0.1:" + MTLS_PORT + " -CAfile ca.pem -verify_return_error "
                + "-cert nuvy-client.crt -key nuvy-client.key -brief < /dev/null 2>&1"))
                .as("the endpoint's server certificate comes from the environment's CA").contains("Verification: OK");
    }

    @Test
    void anUntrustedCertificateFailsTheHandshakeAndIsLogged(@TempDir Path keys, CapturedOutput output) throws Exception {
        CertificateAuthority stranger = CaKeystore.create("qa", keys.resolve("stranger.p12"), "x".toCharArray(), CaKeyType.EC_P384,
                "CN=Stranger CA", Duration.ofDays(30));
        KeyPair pair = TestCsrs.ec("secp384r1");
        PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=Evil,CN=mallory", pair);
        String pem = Pem.encode(new ClientCertificateIssuer().issue(stranger, new IssuanceProfile(Duration.ofDays(1), Duration.ZERO, null, null),
                CertificateSubject.of(csr.getSubject()), csr.getSubjectPublicKeyInfo(), SerialNumbers.next(), Instant.now()));
        writeKeyAndCertificate("mallory", pair, pem);
        Openssl.Result curl = Openssl.run(client, curl("mallory.crt", "mallory.key"));
        assertThat(curl.output()).isNotEqualTo("404");
        assertThat(curl.exitCode()).isNotZero();
        assertThat(Openssl.run(client, sClient("mallory.crt", "mallory.key")).output()).containsIgnoringCase("alert")
                .doesNotContain("CONNECTION ESTABLISHED");
        assertThat(output.getAll()).contains("ClientCertUntrusted").contains("CN=mallory");
    }

    @Test
    void aRevokedCertificateFailsTheHandshake(CapturedOutput output) throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("mtls-revoked", "qa", keys);
        writeKeyAndCertificate("revoked", keys, issued.certificatePem());
        assertThat(Openssl.ok(client, curl("revoked.crt", "revoked.key"))).isEqualTo("404");
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations",
                new HttpEntity<>("{\"certificate\":\"" + issued.serial() + "\",\"reason\":\"keyCompromise\"}", headers), String.class);
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!"REVOKED".equals(jdbc.sql("select status from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Openssl.Result curl = Openssl.run(client, curl("revoked.crt", "revoked.key"));
        assertThat(curl.exitCode()).isNotZero();
        assertThat(output.getAll()).contains("ClientCertUntrusted: the certificate was revoked");
    }
}
