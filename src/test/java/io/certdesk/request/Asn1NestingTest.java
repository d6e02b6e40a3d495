package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.Test;

class Asn1NestingTest {

    static byte[] indefinitelyNested(int levels) {
        byte[] data = new byte[2 * levels];
        for (int i = 0; i < levels; i++) {
            data[2 * i] = 0x30;
            data[2 * i + 1] = (byte) 0x80;
        }
        return data;
    }

    private static byte[] definitelyNested(int levels) throws Exception {
        ASN1Encodable value = new ASN1Integer(42);
        for (int i = 0; i < levels; i++) {
            value = new DERSequence(value);
        }
        return value.toASN1Primitive().getEncoded();
    }

    @Test
    void csrsKeysAndCertificatesAreWithinTheLimit() throws Exception {
        assertThat(Asn1Nesting.within(TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384()).getEncoded(), Asn1Nesting.MAX_DEPTH)).isTrue();
        assertThat(Asn1Nesting.within(TestCsrs.rsa2048().getPrivate().getEncoded(), Asn1Nesting.MAX_DEPTH)).isTrue();
    }

    @Test
    void nestingIsCountedWithDefiniteAndIndefiniteLengths() throws Exception {
        assertThat(Asn1Nesting.within(definitelyNested(32), 32)).isTrue();
        assertThat(Asn1Nesting.within(definitelyNested(33), 32)).isFalse();
        assertThat(Asn1Nesting.within(indefinitelyNested(32), 32)).isTrue();
        assertThat(Asn1Nesting.within(indefinitelyNested(33), 32)).isFalse();
        assertThat(Asn1Nesting.within(indefinitelyNested(100_000), 32)).as("walked without recursion").isFalse();
    }

    @Test
    void siblingsDoNotAddUp() throws Exception {
        byte[] one = definitelyNested(20);
        byte[] many = new DERSequence(new ASN1Encodable[]{
                DERSequence.getInstance(one), DERSequence.getInstance(one), DERSequence.getInstance(one)}).getEncoded();
        assertThat(Asn1Nesting.within(many, 32)).isTrue();
        // indefinite lengths closed by end-of-contents: 30 80 30 80 00 00 30 80 00 00 00 00 is two levels
        byte[] closed = {0x30, (byte) 0x80, 0x30, (byte) 0x80, 0, 0, 0x30, (byte) 0x80, 0, 0, 0, 0};
        assertThat(Asn1Nesting.within(closed, 2)).isTrue();
        assertThat(Asn1Nesting.within(closed, 1)).isFalse();
    }
}
