package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.NestedCertificateClient;
import io.certdesk.support.Openssl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that nobody has authenticated yet, attacking the listeners that ask for a client certificate (EST and the
 * mTLS test endpoints) with a Certificate message whose ASN.1 nests 15,000 levels deep (30 KB, within the JDK's
 * 32 KB handshake message limit), or with a key whose signature costs seconds to check: each must get a TLS alert
 * at once, and the listener must go on serving.
 */
class HostileHandshakeIT extends EmbeddedCertdeskTest {

    private static final Duration PATIENCE = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    /** Presents the attacker's certificate; returns how the handshake ended. */
    private static Exception handshake(SSLContext context, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) PATIENCE.toMillis());
            socket.startHandshake();
            // TLS 1.3: the client's certificate is judged after the client's side of the handshake is done
            socket.getOutputStream().write("GET /.well-known/est/qa/cacerts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().read();
            return null;
        } catch (Exception ended) {
            return ended;
        }
    }

    @Test
    void aCertificateNestedToOverflowTheParserGetsAnAlertAndTheListenersGoOn() throws Exception {
        SSLContext attacker = NestedCertificateClient.context(15_000);
        for (int port : new int[]{EST_PORT, MTLS_PORT}) {
            for (int attempt = 0; attempt < 3; attempt++) {
                Exception ended = handshake(attacker, port);
                // without a deep enough stack the server's parser overflowed, and the connection was left open, unanswered
                // with it, an alert, or the connection closed while the client still wrote (a broken pipe)
                assertThat(ended).as("port %d, attempt %d", port, attempt).isNotNull().isNotInstanceOf(SocketTimeoutException.class)
                        .isInstanceOfAny(SSLException.class, SocketException.class);
            }
        }
        // and the EST listener still answers: curl, without a client certificate, fetches the CA certificates
        Openssl.assumeAvailable();
        assertThat(Openssl.ok(dir, "curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:" + EST_PORT + "/.well-known/est/qa/cacerts"))
                .isEqualTo("200");
    }

    @Test
    void aClientKeyWhoseSignatureCostsSecondsToCheckEndsTheHandshakeBeforeItsSignatureIsChecked() throws Exception {
        // a 20,000-bit p: checking the client's handshake signature with it cost the EST listener about 0.2 s of CPU (a
        // 75,000-bit one, within the JDK's 32 KB message limit, over 3 s), checked for any client before authentication
        SSLContext attacker = NestedCertificateClient.withCostlyDsaKey(20_000);
        for (int port : new int[]{EST_PORT, MTLS_PORT}) {
            Exception ended = handshake(attacker, port);
            // the certificate is refused when it arrives (certificate_unknown); without that, the EST listener checked the
            // signature, then found it wrong (handshake_failure, after 2.3 s with a 70,000-bit p)
            assertThat(ended).as("port %d", port).isInstanceOf(SSLException.class);
            assertThat(ended.getMessage()).as("port %d", port).contains("certificate_unknown");
        }
        Openssl.assumeAvailable();
        assertThat(Openssl.ok(dir, "curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:" + EST_PORT + "/.well-known/est/qa/cacerts"))
                .isEqualTo("200");
    }
}
