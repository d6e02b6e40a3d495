package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Ports;
import io.certdesk.support.Rest;
import io.certdesk.support.StandaloneCertdesk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What certdesk exposes and keeps: loopback in embedded mode, passwords from the environment, every certificate it signs. */
class ExposureIT extends EmbeddedCertdeskTest {

    @LocalServerPort
    int webPort;
    @TempDir
    Path data;

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (network.isUp() && !network.isLoopback()) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void embeddedModeAnswersOnLoopbackOnly() throws Exception {
        Optional<InetAddress> outside = nonLoopbackAddress();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to try from");
        for (int port : new int[] {webPort, MTLS_PORT, MTLS_PRODUCTION_PORT}) {
            try (Socket local = new Socket()) {
                local.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
            assertThatThrownBy(() -> {
                try (Socket remote = new Socket()) {
                    remote.connect(new InetSocketAddress(outside.get(), port), 2000);
                }
            }).as("port " + port + " on " + outside.get()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void theMtlsListenersServerCertificateIsRecordedInTheInventory() throws Exception {
        AtomicReference<X509Certificate> presented = new AtomicReference<>();
        SSLContext tls = SSLContext.getInstance("TLSv1.2");
        tls.init(null, new X509TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String auth) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String auth) {
                presented.set(chain[0]);
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", MTLS_PORT)) {
            socket.startHandshake();
        } catch (IOException refusedWithoutClientCertificate) {
            // the server certificate was presented before the listener asked for ours
        }
        assertThat(presented.get()).isNotNull();
        String serial = presented.get().getSerialNumber().toString(16).toUpperCase();
        assertThat(jdbc.sql("select environment || ' ' || purpose || ' ' || status from issued_certificate where serial = ?")
                .param(serial).query(String.class).optional()).contains("qa TLS_SERVER ACTIVE");
        // known to certdesk: the public validator (and so CRL and OCSP) has it as one of this CA's certificates
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(presented.get().getEncoded()) + "\n-----END CERTIFICATE-----\n";
        assertThat(Rest.basic(http.getRootUri(), "nobody", "x").send("POST", "/pki/qa/validate", pem, "application/x-pem-file").body())
                .contains("\"status\":\"ACTIVE\"");
    }

    @Test
    void passwordsChangedInTheEnvironmentTakeEffectAtTheNextStart() throws Exception {
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, Ports.free(), Ports.free());
        properties.put("camunda.bpm.process-engine-name", "passwords");
        properties.put("certdesk.intake.enabled", false);
        properties.put("certdesk.mtls.enabled", false);
        properties.put("camunda.bpm.admin-user.password", "first-admin-secret");
        properties.put("certdesk.approvers.users[0].id", "approver");
        properties.put("certdesk.approvers.users[0].password", "first-approver-secret");
        try (StandaloneCertdesk first = StandaloneCertdesk.start(properties)) {
            assertThat(Rest.basic(root(first), "approver", "first-approver-secret").get("/engine-rest/engine/passwords/task").status()).isEqualTo(200);
        }
        properties.put("camunda.bpm.admin-user.password", "second-admin-secret");
        properties.put("certdesk.approvers.users[0].password", "second-approver-secret");
        try (StandaloneCertdesk second = StandaloneCertdesk.start(properties)) {
            // the new ones first: a failed login makes Camunda delay the next one
            assertThat(Rest.basic(root(second), "approver", "second-approver-secret").get("/engine-rest/engine/passwords/task").status()).isEqualTo(200);
            assertThat(Rest.basic(root(second), "admin", "second-admin-secret").get("/engine-rest/engine/passwords/user").status()).isEqualTo(200);
            assertThat(Rest.basic(root(second), "approver", "first-approver-secret").get("/engine-rest/engine/passwords/task").status()).isEqualTo(401);
            assertThat(Rest.basic(root(second), "admin", "first-admin-secret").get("/engine-rest/engine/passwords/user").status()).isEqualTo(401);
        }
    }

    private static String root(StandaloneCertdesk certdesk) {
        return "http://127.0.0.1:" + certdesk.port();
    }
}
