package io.certdesk.trust.chain;

import java.util.List;

/**
 * What certdesk accepts in a partner chain.
 *
 * @param rsaMinBits        the smallest RSA modulus, in bits
 * @param allowedCurveSizes the accepted EC field sizes in bits ("256", "384")
 */
public record ChainSettings(int rsaMinBits, List<String> allowedCurveSizes) {
}
