package io.certdesk.authority;

import java.io.OutputStream;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA key that never leaves its PKCS#11 token: every signature is made by the token, through SunPKCS11.
 * <p>
 * When a signature fails (the token was unplugged, restarted, or closed the session), the key handle is dropped
 * and the next signer logs in and looks the key up again, so signing resumes by itself once the token answers.
 * A failed signature throws: nothing signed half is ever returned.
 */
public final class Pkcs11Signer implements CaSigner {

    private final String environment;
    private final Pkcs11Settings settings;
    private final Provider provider;
    private final String signatureAlgorithm;
    private volatile PrivateKey key;

    Pkcs11Signer(String environment, Pkcs11Settings settings, Provider provider, PrivateKey key, String signatureAlgorithm) {
        this.environment = environment;
        this.settings = settings;
        this.provider = provider;
        this.key = key;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    @Override
    public ContentSigner newSigner() {
        PrivateKey current = key != null ? key : reopen();
        try {
            return new Watched(new JcaContentSignerBuilder(signatureAlgorithm).setProvider(provider).build(current));
        } catch (Exception | Error e) {
            key = null;
            throw unreachable(e);
        }
    }

    @Override
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    @Override
    public String kind() {
        return "pkcs11";
    }

    @Override
    public String description() {
        return "PKCS#11 token " + settings.tokenName() + ", key '" + settings.keyLabel() + "', module " + settings.library();
    }

    /** The token's label, or its slot. */
    public String token() {
        return settings.tokenName();
    }


    /** The provider this environment's token is reached through. */
    Provider provider() {
        return provider;
    }

    private synchronized PrivateKey reopen() {
        if (key != null) {
            return key;
        }
        try {
            KeyStore store = Pkcs11Token.login(environment, settings, provider);
            Key found = store.getKey(settings.keyLabel(), null);
            if (!(found instanceof PrivateKey privateKey)) {
                throw new IllegalStateException("no private key labelled '" + settings.keyLabel() + "' any more");
            }
            key = privateKey;
            return privateKey;
        } catch (Exception e) {
            throw unreachable(e);
        }
    }

    private IllegalStateException unreachable(Throwable e) {
        return new IllegalStateException("environment '" + environment + "': the CA key '" + settings.keyLabel()
                + "' on PKCS#11 token " + settings.tokenName() + " cannot sign: " + Pkcs11Token.rootMessage(e), e);
    }

    /** Drops the key handle when the token fails a signature, so that the next signer reconnects. */
    private final class Watched implements ContentSigner {
        private final ContentSigner signer;

        Watched(ContentSigner signer) {
            this.signer = signer;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return signer.getAlgorithmIdentifier();
        }

        @Override
        public OutputStream getOutputStream() {
            return signer.getOutputStream();
        }

        @Override
        public byte[] getSignature() {
            try {
                return signer.getSignature();
            } catch (RuntimeException e) {
                key = null;
                throw unreachable(e);
            }
        }
    }
}
