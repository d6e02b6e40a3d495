package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OcspResponderTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration VALIDITY = Duration.ofHours(1);
    private static final BigInteger GOOD = BigInteger.valueOf(1001);
    private static final BigInteger REVOKED = BigInteger.valueOf(1002);
    private static final BigInteger UNKNOWN = BigInteger.valueOf(1003);
    private static final Instant REVOKED_AT = Instant.parse("2026-11-20T12:30:00Z");

    private static CertificateAuthority ca;
    private static CertificateAuthority otherCa;
    private static OcspResponderKey responder;
    private static DigestCalculatorProvider digests;

    private final List<BigInteger> looked = new ArrayList<>();
    private final Function<BigInteger, OcspResponder.Status> inventory = serial -> {
        looked.add(serial);
        return Map.of(GOOD, OcspResponder.Status.GOOD,
                REVOKED, new OcspResponder.Status(true, REVOKED_AT, CRLReason.keyCompromise)).get(serial);
    };

    @BeforeAll
    static void makeCas(@TempDir Path dir) throws Exception {
        ca = CaKeystore.create("qa", dir.resolve("qa.p12"), "pw".toCharArray(), CaKeyType.EC_P384,
                "CN=Test QA CA,O=certdesk", Duration.ofDays(3650));
        otherCa = CaKeystore.create("prod", dir.resolve("prod.p12"), "pw".toCharArray(), CaKeyType.EC_P384,
                "CN=Test PROD CA,O=certdesk", Duration.ofDays(3650));
        responder = OcspResponderKey.issue(ca, SerialNumbers.next(), NOW.minus(Duration.ofDays(1)), Duration.ofDays(4));
        digests = new JcaDigestCalculatorProviderBuilder().build();
    }

    @Test
    void goodCertificateIsAnsweredGoodInASignedResponse() throws Exception {
        BasicOCSPResp answer = answer(request(null, id(ca, GOOD)));

        X509CertificateHolder signer = answer.getCerts()[0];
        assertThat(signer).isEqualTo(responder.certificateHolder());
        assertThat(answer.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer))).isTrue();
        assertThat(ca.signed(responder.certificate())).as("responder certified by the CA").isTrue();
        SingleResp single = answer.getResponses()[0];
        assertThat(single.getCertID()).isEqualTo(id(ca, GOOD));
        assertThat(single.getCertStatus()).isSameAs(CertificateStatus.GOOD);
        assertThat(looked).containsExactly(GOOD);
    }

    @Test
    void revokedCertificateIsAnsweredRevokedWithTimeAndReason() throws Exception {
        SingleResp single = answer(request(null, id(ca, REVOKED))).getResponses()[0];

        assertThat(single.getCertStatus()).isInstanceOf(RevokedStatus.class);
        RevokedStatus revoked = (RevokedStatus) single.getCertStatus();
        assertThat(revoked.getRevocationTime()).isEqualTo(Date.from(REVOKED_AT));
        assertThat(revoked.hasRevocationReason()).isTrue();
        assertThat(revoked.getRevocationReason()).isEqualTo(CRLReason.keyCompromise);
    }

    @Test
    void serialTheInventoryDoesNotKnowIsAnsweredUnknown() throws Exception {
        SingleResp single = answer(request(null, id(ca, UNKNOWN))).getResponses()[0];

        assertThat(single.getCertStatus()).isInstanceOf(UnknownStatus.class);
    }

    @Test
    void certificateOfAnotherIssuerIsUnknownWithoutAskingTheInventory() throws Exception {
        SingleResp single = answer(request(null, id(otherCa, GOOD))).getResponses()[0];

        assertThat(single.getCertStatus()).isInstanceOf(UnknownStatus.class);
        assertThat(looked).isEmpty();
        assertThat(OcspResponder.issuedBy(id(otherCa, GOOD), ca)).isFalse();
        assertThat(OcspResponder.issuedBy(id(ca, GOOD), ca)).isTrue();
    }

    @Test
    void everyCertificateOfARequestIsAnsweredInOrder() throws Exception {
        SingleResp[] singles = answer(request(null, id(ca, REVOKED), id(ca, GOOD), id(ca, UNKNOWN))).getResponses();

        assertThat(singles).extracting(single -> single.getCertID().getSerialNumber())
                .containsExactly(REVOKED, GOOD, UNKNOWN);
        assertThat(singles[0].getCertStatus()).isInstanceOf(RevokedStatus.class);
        assertThat(singles[1].getCertStatus()).isSameAs(CertificateStatus.GOOD);
        assertThat(singles[2].getCertStatus()).isInstanceOf(UnknownStatus.class);
    }

    @Test
    void thisUpdateIsNowAndNextUpdateOneValidityLater() throws Exception {
        BasicOCSPResp answer = answer(request(null, id(ca, GOOD)));

        assertThat(answer.getProducedAt()).isEqualTo(Date.from(NOW));
        assertThat(answer.getResponses()[0].getThisUpdate()).isEqualTo(Date.from(NOW));
        assertThat(answer.getResponses()[0].getNextUpdate()).isEqualTo(Date.from(NOW.plus(VALIDITY)));
    }

    @Test
    void nextUpdateNeverOutlivesTheResponderCertificate() throws Exception {
        OcspResponder.Request request = OcspResponder.read(request(null, id(ca, GOOD)));
        byte[] der = OcspResponder.respond(ca, responder, request, inventory, NOW, Duration.ofDays(30));

        SingleResp single = ((BasicOCSPResp) new OCSPResp(der).getResponseObject()).getResponses()[0];
        assertThat(single.getNextUpdate()).isEqualTo(Date.from(responder.notAfter()));
    }

    @Test
    void nonceIsEchoed() throws Exception {
        byte[] nonce = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        BasicOCSPResp answer = answer(request(nonce, id(ca, GOOD)));

        Extension echoed = answer.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        assertThat(echoed).isNotNull();
        assertThat(echoed.getExtnValue().getOctets()).isEqualTo(new DEROctetString(nonce).getEncoded());
    }

    @Test
    void answerToARequestWithoutNonceHasNone() throws Exception {
        BasicOCSPResp answer = answer(request(null, id(ca, GOOD)));

        assertThat(answer.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)).isNull();
        assertThat(OcspResponder.read(request(null, id(ca, GOOD))).hasNonce()).isFalse();
    }

    @Test
    void noBytesOrGarbageIsUnreadable() {
        for (byte[] garbage : new byte[][]{null, new byte[0], "GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII),
                {0x30, (byte) 0x82, 0x7f, 0x7f, 0x01}}) {
            assertThatThrownBy(() -> OcspResponder.read(garbage))
                    .isInstanceOfSatisfying(OcspResponder.Malformed.class,
                            malformed -> assertThat(malformed.refusal()).isEmpty());
        }
    }

    @Test
    void truncatedRequestIsUnreadable() throws Exception {
        byte[] whole = request(null, id(ca, GOOD));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 5);

        assertThatThrownBy(() -> OcspResponder.read(truncated)).isInstanceOfSatisfying(OcspResponder.Malformed.class,
                malformed -> assertThat(malformed.refusal()).isEmpty());
    }

    @Test
    void oversizedRequestIsRefusedAsTooLargeBeforeReading() {
        byte[] huge = new byte[OcspRequestLimits.MAX_REQUEST_BYTES + 1];

        assertThatThrownBy(() -> OcspResponder.read(huge)).isInstanceOfSatisfying(OcspResponder.Malformed.class,
                malformed -> assertThat(malformed.refusal()).contains(OcspRequestLimits.Refusal.OCSP_REQUEST_TOO_LARGE));
    }

    @Test
    void requestBeyondTheLimitsIsRefusedWithItsReason() throws Exception {
        byte[] empty = request(null);

        assertThatThrownBy(() -> OcspResponder.read(empty)).isInstanceOfSatisfying(OcspResponder.Malformed.class,
                malformed -> assertThat(malformed.refusal()).contains(OcspRequestLimits.Refusal.OCSP_NO_CERTIFICATE));
    }

    @Test
    void unsignedAnswersCarryTheirStatusOnly() throws Exception {
        OCSPResp malformed = new OCSPResp(OcspResponder.malformed());
        OCSPResp unauthorized = new OCSPResp(OcspResponder.unauthorized());

        assertThat(malformed.getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
        assertThat(malformed.getResponseObject()).isNull();
        assertThat(unauthorized.getStatus()).isEqualTo(OCSPRespBuilder.UNAUTHORIZED);
        assertThat(unauthorized.getResponseObject()).isNull();
    }

    private BasicOCSPResp answer(byte[] requestDer) throws Exception {
        OcspResponder.Request request = OcspResponder.read(requestDer);
        OCSPResp response = new OCSPResp(OcspResponder.respond(ca, responder, request, inventory, NOW, VALIDITY));
        assertThat(response.getStatus()).isEqualTo(OCSPRespBuilder.SUCCESSFUL);
        return (BasicOCSPResp) response.getResponseObject();
    }

    private static CertificateID id(CertificateAuthority issuer, BigInteger serial) throws Exception {
        return new CertificateID(digests.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer.certificate()),
                serial);
    }

    private static byte[] request(byte[] nonce, CertificateID... ids) throws Exception {
        OCSPReqBuilder builder = new OCSPReqBuilder();
        for (CertificateID id : ids) {
            builder.addRequest(id);
        }
        if (nonce != null) {
            builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(new DEROctetString(nonce).getEncoded()))));
        }
        return builder.build().getEncoded();
    }}
