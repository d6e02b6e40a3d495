package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CsrFactsTest {

    @Test
    void aCsrFoundValidOnceStaysValidAndTheSameRequestWithAnotherSignatureIsStillRefused() throws Exception {
        PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=Acme BV,CN=acme-api-client", TestCsrs.p384());
        assertThat(CsrFacts.failsProofOfPossession(csr)).isFalse();
        // as EST does it: proof of possession first, then the process's validation reads the same CSR again
        assertThat(CsrFacts.of(csr).signatureValid()).isTrue();

        // the same subject, key and attributes, with the signature's last byte changed
        CertificationRequest structure = csr.toASN1Structure();
        byte[] signature = structure.getSignature().getBytes();
        signature[signature.length - 1] ^= 1;
        PKCS10CertificationRequest forged = new PKCS10CertificationRequest(new CertificationRequest(
                structure.getCertificationRequestInfo(), AlgorithmIdentifier.getInstance(structure.getSignatureAlgorithm()),
                new DERBitString(signature)));
        assertThat(CsrFacts.failsProofOfPossession(forged)).isTrue();
        assertThat(CsrFacts.of(forged).signatureValid()).isFalse();
    }
}
