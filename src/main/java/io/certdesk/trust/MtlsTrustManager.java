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

    /** One per running certdesk application in this JVM: in production exactly one. */
    private static final java.util.List<ClientTrust> TRUSTS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static void register(ClientTrust trust) {
        TRUSTS.add(trust);
    }

    static void unregister(ClientTrust trust) {
        TRUSTS.remove(trust);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        CertificateException refusal = new CertificateException("certdesk is starting: no client is trusted yet");
        for (ClientTrust trust : TRUSTS) {
            try {
                trust.check(chain);
                return;
            } catch (CertificateException e) {
                refusal = e;
            }
        }
        throw refusal;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the mTLS test endpoint only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return TRUSTS.stream().flatMap(t -> java.util.Arrays.stream(t.acceptedIssuers())).toArray(X509Certificate[]::new);
    }
}
