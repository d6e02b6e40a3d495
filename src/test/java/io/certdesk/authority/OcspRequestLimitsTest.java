package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OcspRequestLimitsTest {

    /** A request naming {@code certificates} serials, with a nonce of {@code nonceBytes} (-1: none; raw: not an OCTET STRING). */
    private static OCSPReq request(int certificates, int nonceBytes, boolean raw) throws Exception {
        OCSPReqBuilder builder = new OCSPReqBuilder();
        for (int i = 0; i < certificates; i++) {
            builder.addRequest(new CertificateID(new CertID(new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1),
                    new DEROctetString(new byte[20]), new DEROctetString(new byte[20]), new ASN1Integer(i + 1))));
        }
        if (nonceBytes >= 0) {
            byte[] nonce = new byte[nonceBytes];
            Arrays.fill(nonce, (byte) 'A');
            byte[] value = raw ? nonce : new DEROctetString(nonce).getEncoded();
            builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(value))));
        }
        return new OCSPReq(builder.build().getEncoded());
    }

    @ParameterizedTest(name = "{0} certificates, nonce {1} bytes (raw {2}): {3}")
    @CsvSource({
            "1,  -1, false, ",
            "10, -1, false, ",
            "1,  16, false, ",
            "1,  32, false, ",
            "1,  32, true,  ",
            "0,  -1, false, OCSP_NO_CERTIFICATE",
            "11, -1, false, OCSP_TOO_MANY_CERTIFICATES",
            "500, 16, false, OCSP_TOO_MANY_CERTIFICATES",
            "1,  33, false, OCSP_NONCE_TOO_LONG",
            "1,  33, true,  OCSP_NONCE_TOO_LONG",
            "1,  4096, false, OCSP_NONCE_TOO_LONG",
            "1,  0,  false, OCSP_NONCE_EMPTY",
    })
    void boundsWhatOneRequestMayAsk(int certificates, int nonceBytes, boolean raw, String refusal) throws Exception {
        assertThat(OcspRequestLimits.check(request(certificates, nonceBytes, raw)).map(Enum::name))
                .isEqualTo(Optional.ofNullable(refusal));
    }
}
