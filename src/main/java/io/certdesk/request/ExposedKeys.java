package io.certdesk.request;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.authority.Fingerprints;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * The public keys belonging to private keys that turned up in a mail, as SHA-256 hashes, so the certificates
 * they unlock can be revoked. The private keys are read in memory only and never kept; encrypted keys cannot be
 * read and yield nothing.
 */
public final class ExposedKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END \\1PRIVATE KEY-----", Pattern.DOTALL);

    private ExposedKeys() {
    }

    public static List<String> publicKeyHashes(String text) {
        List<String> hashes = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try (PEMParser parser = new PEMParser(new StringReader(matcher.group()))) {
                SubjectPublicKeyInfo spki = publicKey(parser.readObject());
                if (spki != null) {
                    String hash = Fingerprints.sha256Hex(spki.getEncoded());
                    if (!hashes.contains(hash)) {
                        hashes.add(hash);
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // an encrypted or damaged key: it is still reported as exposed, only not matched
            }
        }
        return hashes;
    }

    private static SubjectPublicKeyInfo publicKey(Object parsed) throws IOException {
        if (parsed instanceof PEMKeyPair pair) {
            if (pair.getPublicKeyInfo() != null) {
                return pair.getPublicKeyInfo();
            }
            return publicKey(pair.getPrivateKeyInfo());
        }
        if (parsed instanceof PrivateKeyInfo info) {
            ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                RSAPrivateKey rsa = RSAPrivateKey.getInstance(info.parsePrivateKey());
                return new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), new RSAPublicKey(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
                AlgorithmIdentifier id = info.getPrivateKeyAlgorithm();
                if (ec.getPublicKey() != null) {
                    return new SubjectPublicKeyInfo(id, ec.getPublicKey().getBytes());
                }
                X9ECParameters curve = ECNamedCurveTable.getByOID(ASN1ObjectIdentifier.getInstance(id.getParameters()));
                BigInteger d = ec.getKey();
                return new SubjectPublicKeyInfo(id, new DERBitString(curve.getG().multiply(d).normalize().getEncoded(false)).getBytes());
            }
        }
        return null;
    }
}
