package io.certdesk.trust;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/** Decides whether a client certificate chain may connect to the mTLS test endpoint. */
public interface ClientTrust {

    /** Throws with the reason when the chain is not trusted (unknown CA, expired, revoked, ...). */
    void check(X509Certificate[] chain) throws CertificateException;

    /** The CA certificates clients may chain to, announced in the TLS handshake. */
    X509Certificate[] acceptedIssuers();
}
