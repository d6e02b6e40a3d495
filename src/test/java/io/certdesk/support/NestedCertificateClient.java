package io.certdesk.support;

import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS clients of an attacker's making, whose certificate the server reads during the handshake, before anyone is
 * authenticated: one presents ASN.1 nested {@code levels} deep ({@code 30 80 30 80 ...}), one a DSA key of its own
 * making.
 */
public final class NestedCertificateClient {

    private NestedCertificateClient() {
    }

    public static SSLContext context(int levels) throws Exception {
        KeyPair keys = TestCsrs.ec("secp256r1");
        X509Certificate real = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=nested"),
                BigInteger.ONE, new Date(), new Date(System.currentTimeMillis() + 86_400_000L), new X500Name("CN=nested"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        byte[] nested = new byte[2 * levels];
        for (int i = 0; i < levels; i++) {
            nested[2 * i] = 0x30;
            nested[2 * i + 1] = (byte) 0x80;
        }
        return presenting(new Presented(real, nested), keys.getPrivate(), "TLS");
    }

    /**
     * A client whose certificate's key is DSA with a domain of its own making: p of {@code pBits} bits (not even a
     * prime), q of 256 bits. It signs the handshake with a small DSA key of its own, so its side costs nothing; a
     * server that checks that signature with the presented key raises y^q mod p and more on a p that long. TLS 1.2,
     * the last version that signs with DSA.
     */
    public static SSLContext withCostlyDsaKey(int pBits) throws Exception {
        SecureRandom random = new SecureRandom();
        BigInteger p = new BigInteger(pBits, random).setBit(pBits - 1).setBit(0);
        BigInteger q = BigInteger.probablePrime(256, random);
        SubjectPublicKeyInfo key = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_dsa,
                new DSAParameter(p, q, new BigInteger(pBits - 1, random))), new ASN1Integer(new BigInteger(pBits - 1, random)));
        KeyPair issuer = TestCsrs.ec("secp256r1");
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new X509v3CertificateBuilder(new X500Name("CN=acme-42"),
                BigInteger.TWO, new Date(), new Date(System.currentTimeMillis() + 86_400_000L), new X500Name("CN=acme-42"), key)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(2048);
        return presenting(certificate, dsa.generateKeyPair().getPrivate(), "TLSv1.2");
    }

    private static SSLContext presenting(X509Certificate presented, PrivateKey privateKey, String protocol) throws Exception {
        X509ExtendedKeyManager keyManager = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String type, Principal[] issuers) {
                return new String[]{"nested"};
            }

            @Override
            public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
                return "nested";
            }

            @Override
            public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine engine) {
                return "nested";
            }

            @Override
            public String[] getServerAliases(String type, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[]{presented};
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return privateKey;
            }
        };
        TrustManager anyServer = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(new KeyManager[]{keyManager}, new TrustManager[]{anyServer}, new SecureRandom());
        return context;
    }

    /** A real certificate in every respect but its encoding, which is what goes on the wire. */
    @SuppressWarnings("deprecation")
    private static final class Presented extends X509Certificate {

        private final X509Certificate real;
        private final byte[] encoded;

        Presented(X509Certificate real, byte[] encoded) {
            this.real = real;
            this.encoded = encoded;
        }

        @Override
        public byte[] getEncoded() {
            return encoded.clone();
        }

        @Override
        public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
            real.checkValidity();
        }

        @Override
        public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
            real.checkValidity(date);
        }

        @Override
        public int getVersion() {
            return real.getVersion();
        }

        @Override
        public BigInteger getSerialNumber() {
            return real.getSerialNumber();
        }

        @Override
        public Principal getIssuerDN() {
            return real.getIssuerDN();
        }

        @Override
        public Principal getSubjectDN() {
            return real.getSubjectDN();
        }

        @Override
        public X500Principal getIssuerX500Principal() {
            return real.getIssuerX500Principal();
        }

        @Override
        public X500Principal getSubjectX500Principal() {
            return real.getSubjectX500Principal();
        }

        @Override
        public Date getNotBefore() {
            return real.getNotBefore();
        }

        @Override
        public Date getNotAfter() {
            return real.getNotAfter();
        }

        @Override
        public byte[] getTBSCertificate() throws CertificateEncodingException {
            return real.getTBSCertificate();
        }

        @Override
        public byte[] getSignature() {
            return real.getSignature();
        }

        @Override
        public String getSigAlgName() {
            return real.getSigAlgName();
        }

        @Override
        public String getSigAlgOID() {
            return real.getSigAlgOID();
        }

        @Override
        public byte[] getSigAlgParams() {
            return real.getSigAlgParams();
        }

        @Override
        public boolean[] getIssuerUniqueID() {
            return null;
        }

        @Override
        public boolean[] getSubjectUniqueID() {
            return null;
        }

        @Override
        public boolean[] getKeyUsage() {
            return null;
        }

        @Override
        public int getBasicConstraints() {
            return -1;
        }

        @Override
        public void verify(PublicKey key) {
        }

        @Override
        public void verify(PublicKey key, String sigProvider) {
        }

        @Override
        public String toString() {
            return "ASN.1 nested " + encoded.length / 2 + " levels deep";
        }

        @Override
        public PublicKey getPublicKey() {
            return real.getPublicKey();
        }

        @Override
        public boolean hasUnsupportedCriticalExtension() {
            return false;
        }

        @Override
        public Set<String> getCriticalExtensionOIDs() {
            return null;
        }

        @Override
        public Set<String> getNonCriticalExtensionOIDs() {
            return null;
        }

        @Override
        public byte[] getExtensionValue(String oid) {
            return null;
        }
    }
}
