package io.certdesk.est;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

import io.certdesk.authority.Crypto;

/**
 * The EST listeners' trust manager (Tomcat instantiates it by class name): the handshake only proves that the
 * client holds the key of the certificate it presents (TLS does that whatever the trust manager says). Whether
 * that certificate may enroll is decided per request by {@link EstService}, which can then answer with the
 * RFC's HTTP status and a reason instead of a handshake alert the client cannot read.
 *
 * <p>Except for a key certdesk never certifies and whose signature costs more to check than a real key's (a DSA key
 * of the client's making, an RSA key with a huge exponent): the handshake ends before the client's signature is
 * checked. One such handshake cost the listener seconds of CPU and its client almost nothing.
 */
public class EstTrustManager implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        refuseCostlyKey(chain);
        // otherwise judged per request, see EstService.authenticate
    }

    /** Ends a handshake whose client certificate has a key not worth checking a signature with (see {@link Crypto#signaturesCheckable}). */
    private static void refuseCostlyKey(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0 || !Crypto.signaturesCheckable(chain[0].getPublicKey())) {
            throw new CertificateException("the client certificate's key is not one certdesk certifies");
        }
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
