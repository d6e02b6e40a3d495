package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

public class Asn1NestingTest {

    public static byte[] indefinitelyNested(int levels) {
        byte[] data = new byte[2 * levels];
        for (int i = 0; i < levels; i++) {
            data[2 * i] = 0x30;
            data[2 * i + 1] = (byte) 0x80;
        }
        return data;
    }

    /** {@code levels} indefinite lengths, each closed by its end-of-contents. */
    private static byte[] closed(int levels) {
        byte[] open = indefinitelyNested(levels);
        return Arrays.copyOf(open, open.length * 2);
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
        assertThat(Asn1Nesting.within(closed(32), 32)).isTrue();
        assertThat(Asn1Nesting.within(closed(33), 32)).isFalse();
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

    @Test
    void longFormLengthsWithLeadingZerosAreDecodedAsBouncyCastleDecodesThem() {
        // 30 85 00 00 00 LL LL: five length octets, which BouncyCastle accepts; the deep nesting inside must be seen
        byte[] nested = indefinitelyNested(30_000);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(0x30);
        data.write(0x85);
        data.writeBytes(new byte[]{0, 0, 0, (byte) (nested.length >> 8), (byte) nested.length});
        data.writeBytes(nested);
        assertThat(Asn1Nesting.within(data.toByteArray(), 32)).isFalse();
    }

    @Test
    void nestingInsideABitStringOrOctetStringCountsToo() {
        // what a BIT STRING holds (a public key) or an OCTET STRING (a PKCS#8 key, an extension) is parsed again
        for (int tag : new int[]{0x03, 0x04}) {
            byte[] nested = indefinitelyNested(30_000);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            data.writeBytes(new byte[]{0x30, (byte) 0x80, (byte) tag, (byte) 0x83});
            int length = nested.length + (tag == 0x03 ? 1 : 0);
            data.writeBytes(new byte[]{(byte) (length >> 16), (byte) (length >> 8), (byte) length});
            if (tag == 0x03) {
                data.write(0);
            }
            data.writeBytes(nested);
            data.writeBytes(new byte[]{0, 0});
            assertThat(Asn1Nesting.within(data.toByteArray(), 32)).as("tag %d", tag).isFalse();
        }
    }

    @Test
    void onlyTheFirstValueIsReadAndADamagedOneIsNotWithin() throws Exception {
        byte[] key = TestCsrs.rsa2048().getPrivate().getEncoded();
        byte[] withNewline = Arrays.copyOf(key, key.length + 1);
        withNewline[key.length] = '\n';
        assertThat(Asn1Nesting.within(withNewline, 32)).as("what follows is not read").isTrue();
        assertThat(Asn1Nesting.within(Arrays.copyOf(key, key.length - 10), 32)).as("truncated").isFalse();
        assertThat(Asn1Nesting.within(new byte[]{0x30, (byte) 0x80, 0x02, 0x01, 0x05}, 32)).as("never closed").isFalse();
        assertThat(Asn1Nesting.within(new byte[0], 32)).isFalse();
    }

    @Test
    void everyValueOfTheDataCanBeMeasuredForReadersThatReadThemAll() throws Exception {
        byte[] key = TestCsrs.rsa2048().getPrivate().getEncoded();
        byte[] deep = closed(40);
        byte[] two = Arrays.copyOf(key, key.length * 2);
        System.arraycopy(key, 0, two, key.length, key.length);
        assertThat(Asn1Nesting.everyValueWithin(two, 32)).isTrue();
        byte[] keyThenDeep = Arrays.copyOf(key, key.length + deep.length);
        System.arraycopy(deep, 0, keyThenDeep, key.length, deep.length);
        assertThat(Asn1Nesting.within(keyThenDeep, 32)).as("the first value alone").isTrue();
        assertThat(Asn1Nesting.everyValueWithin(keyThenDeep, 32)).isFalse();
        assertThat(Asn1Nesting.everyValueWithin(Arrays.copyOf(two, two.length - 3), 32)).as("the second truncated").isFalse();
    }
}
