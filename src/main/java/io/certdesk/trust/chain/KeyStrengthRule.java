package io.certdesk.trust.chain;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

import io.certdesk.authority.Crypto;

/** Every key of the path is strong enough: RSA of at least the configured size, EC on an accepted NIST curve. */
public final class KeyStrengthRule implements ChainRule {

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        PublicKey key = link.certificate().getPublicKey();
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < settings.rsaMinBits()) {
            problems.add(link.shown() + " has an RSA key of " + rsa.getModulus().bitLength() + " bits; at least "
                    + settings.rsaMinBits() + " are required.");
        } else if (key instanceof ECPublicKey ec && !settings.allowedCurveSizes().contains(String.valueOf(Crypto.nistCurveBits(ec.getParams())))) {
            // by the curve itself, not its size: brainpoolP256r1 or secp256k1 are 256 bits too, and no gateway's TLS takes them
            problems.add(link.shown() + " has an EC key on a curve that is not accepted.");
        }
    }
}
