package io.certdesk.authority;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the authority needs to know to load its CAs and sign: nothing of the application around it.
 *
 * @param embedded     embedded mode: a missing software CA is created (with a generated password kept beside it)
 * @param dataDir      where embedded mode keeps its CAs ({@code <data-dir>/ca/<env>-ca.p12})
 * @param publicUrl    the public base URL that CRL and OCSP locations in certificates start with
 * @param validity     how long a client certificate is valid
 * @param backdate     how far notBefore lies before the signing time
 * @param environments each environment's configured CA
 */
public record AuthoritySettings(boolean embedded, Path dataDir, String publicUrl, Duration validity, Duration backdate,
                                Map<String, Ca> environments) {

    /**
     * One environment's configured CA (its first generation) and how new generations are made.
     *
     * @param keyType  key type of a created CA
     * @param subject  subject of a created CA
     * @param keystore PKCS#12 file holding the CA key; empty: {@code <data-dir>/ca/<env>-ca.p12}
     * @param password the keystore's password; it also protects the keys of later generations kept in the database
     * @param validity validity of a created CA certificate
     * @param pkcs11   the CA key in a PKCS#11 token instead, when its library is set
     */
    public record Ca(CaKeyType keyType, String subject, String keystore, String password, Duration validity, Pkcs11Settings pkcs11) {

        public boolean inToken() {
            return pkcs11 != null && pkcs11.configured();
        }
    }
}
