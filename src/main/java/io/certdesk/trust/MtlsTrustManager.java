package io.certdesk.trust;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.X509TrustManager;

/**
 * The trust manager Tomcat instantiates (by class name, with no arguments) for the mTLS test endpoint. It asks
 * certdesk's {@link ClientTrust} at every handshake, so newly trusted partner CAs and new revocations take effect
 * without a restart.
 */
public class MtlsTrustManager implements X509TrustManager {

    private static volatile ClientTrust trust;

    static void use(ClientTrust current) {
        trust = current;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        ClientTrust current = trust;
        if (current == null) {
            throw new CertificateException("certdesk is starting: no client is trusted yet");
        }
        current.check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the mTLS test endpoint only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        ClientTrust current = trust;
        return current == null ? new X509Certificate[0] : current.acceptedIssuers();
    }
}
