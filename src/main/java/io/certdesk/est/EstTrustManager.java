package io.certdesk.est;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * The EST listeners' trust manager (Tomcat instantiates it by class name): the handshake only proves that the
 * client holds the key of the certificate it presents (TLS does that whatever the trust manager says). Whether
 * that certificate may enroll is decided per request by {@link EstService}, which can then answer with the
 * RFC's HTTP status and a reason instead of a handshake alert the client cannot read.
 */
public class EstTrustManager implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // judged per request, see EstService.authenticate
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the EST listener only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
