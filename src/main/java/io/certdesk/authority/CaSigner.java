package io.certdesk.authority;

import java.io.IOException;
import java.io.OutputStream;

import org.bouncycastle.operator.ContentSigner;

/**
 * The one way a CA key signs: certificates, CRLs, OCSP answers and the mTLS listeners' server certificates all
 * get a {@link ContentSigner} from here. A software key ({@link SoftwareSigner}) and a key held in a PKCS#11
 * token ({@link Pkcs11Signer}) sit behind it.
 */
public interface CaSigner {

    /** A fresh signer for one signature; signers are not shared between threads. */
    ContentSigner newSigner();

    /** The JCA name of the signature algorithm, e.g. {@code SHA384withECDSA}. */
    String signatureAlgorithm();

    /** {@code software} or {@code pkcs11}. */
    String kind();

    /** Where the key is, in words for health and logs; never a secret. */
    String description();

    /** Signs a byte to show that the key is reachable; throws {@link IllegalStateException} naming why not. */
    default void check() {
        ContentSigner signer = newSigner();
        try (OutputStream out = signer.getOutputStream()) {
            out.write(1);
        } catch (IOException e) {
            throw new IllegalStateException(description() + " cannot sign", e);
        }
        signer.getSignature();
    }
}
