package io.certdesk.authority;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1T61String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The subject of a client certificate, built from the values of a CSR's subject, never copied from it.
 * <p>
 * Only the fields the client guides use are taken, each at most once, each in an RDN of its own: C, ST, L, O, OU
 * and CN. The certificate lists them in that order, whatever order the CSR used, as typed values (C a
 * PrintableString, the others UTF8String). Anything else refuses the whole subject: another attribute
 * (emailAddress, serialNumber, DC, UID, any OID), several attributes in one RDN or none, a value that is not text or is
 * empty, control or invisible characters, a value over the RFC 5280 upper bound, a C that is not two capital
 * letters, ST or L outside {@link #isPlaceName place-name characters}, O, OU or CN with
 * {@link #MARKUP_CHARACTERS markup characters}.
 * <p>
 * The same function builds the subject the approver is shown and the subject that is signed, so the two are
 * the same by construction; signing compares them once more.
 */
public final class CertificateSubject {

    /** The fields a certificate subject may have, in the order the certificate lists them, with their upper bounds. */
    public enum Field {
        C(BCStyle.C, 2), ST(BCStyle.ST, 128), L(BCStyle.L, 128), O(BCStyle.O, 64), OU(BCStyle.OU, 64), CN(BCStyle.CN, 64);

        private final ASN1ObjectIdentifier type;
        private final int maxLength;

        Field(ASN1ObjectIdentifier type, int maxLength) {
            this.type = type;
            this.maxLength = maxLength;
        }

        public ASN1ObjectIdentifier type() {
            return type;
        }

        /** The RFC 5280 upper bound, in characters. */
        public int maxLength() {
            return maxLength;
        }

        public static Optional<Field> of(ASN1ObjectIdentifier type) {
            for (Field field : values()) {
                if (field.type.equals(type)) {
                    return Optional.of(field);
                }
            }
            return Optional.empty();
        }
    }

    /** Characters that mean something in HTML, in quoted strings or as escapes: never in a subject value. */
    public static final String MARKUP_CHARACTERS = "<>\"\\";

    /** What place names (ST and L) may hold besides letters, combining marks and digits. */
    public static final String PLACE_NAME_PUNCTUATION = " '\u2019-.,()";

    private final X500Name name;
    private final Map<Field, String> values;

    private CertificateSubject(X500Name name, Map<Field, String> values) {
        this.name = name;
        this.values = values;
    }

    /** Builds the certificate subject from a CSR's subject, or refuses it naming the first thing not allowed. */
    public static CertificateSubject of(X500Name requested) {
        try {
            return build(requested);
        } catch (NotAllowed e) {
            throw e;
        } catch (RuntimeException damaged) {
            throw new NotAllowed("the subject cannot be read (" + damaged.getClass().getSimpleName() + ")");
        }
    }

    private static CertificateSubject build(X500Name requested) {
        Map<Field, String> values = new EnumMap<>(Field.class);
        for (RDN rdn : requested.getRDNs()) {
            if (rdn.size() == 0) {
                throw new NotAllowed("an RDN is empty");
            }
            if (rdn.isMultiValued()) {
                throw new NotAllowed("an RDN joins several attributes (" + typeName(rdn.getTypesAndValues()[0].getType()) + "+...)");
            }
            AttributeTypeAndValue atv = rdn.getFirst();
            Field field = Field.of(atv.getType())
                    .orElseThrow(() -> new NotAllowed("the attribute " + typeName(atv.getType()) + " is not allowed"));
            if (values.containsKey(field)) {
                throw new NotAllowed(field + " appears more than once");
            }
            String value = text(atv.getValue());
            if (value == null || value.isEmpty()) {
                throw new NotAllowed(field + " is empty or not text");
            }
            String problem = problem(field, value);
            if (problem != null) {
                throw new NotAllowed(field + " " + problem);
            }
            values.put(field, value);
        }
        List<RDN> rdns = new ArrayList<>();
        values.forEach((field, value) -> rdns.add(new RDN(field.type(),
                field == Field.C ? new DERPrintableString(value, true) : new DERUTF8String(value))));
        return new CertificateSubject(new X500Name(rdns.toArray(RDN[]::new)), Map.copyOf(values));
    }

    /** What is wrong with a value for a field, or null when it may be signed. */
    public static String problem(Field field, String value) {
        if (hasInvisibleCharacters(value)) {
            return "has control or invisible characters";
        }
        if (value.codePointCount(0, value.length()) > field.maxLength()) {
            return "is longer than " + field.maxLength() + " characters";
        }
        return switch (field) {
            case C -> value.matches("[A-Z]{2}") ? null : "is not two capital letters";
            case ST, L -> isPlaceName(value) ? null : "has characters a place name does not need";
            case O, OU, CN -> hasMarkup(value) ? "has one of the characters " + MARKUP_CHARACTERS : null;
        };
    }

    /**
     * A value's exact text: UTF8String, PrintableString, BMPString or TeletexString, as the CSR encodes it
     * (nothing stripped, nothing unescaped); null for anything else.
     */
    public static String text(ASN1Encodable value) {
        if (value instanceof ASN1UTF8String || value instanceof ASN1PrintableString || value instanceof ASN1BMPString
                || value instanceof ASN1T61String) {
            return ((ASN1String) value).getString();
        }
        return null;
    }

    /**
     * Letters of any script, combining marks, digits, spaces and {@code ' ’ - . , ( )}: "Saint-Jean-d'Angély",
     * "Washington, D.C.", "Frankfurt (Oder)", "São Paulo", "St. John's".
     */
    public static boolean isPlaceName(String value) {
        return value.codePoints().allMatch(c -> Character.isLetter(c) || Character.getType(c) == Character.NON_SPACING_MARK
                || Character.getType(c) == Character.COMBINING_SPACING_MARK || Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER
                || PLACE_NAME_PUNCTUATION.indexOf(c) >= 0);
    }

    public static boolean hasMarkup(String value) {
        return value.chars().anyMatch(c -> MARKUP_CHARACTERS.indexOf(c) >= 0);
    }

    public static boolean hasInvisibleCharacters(String value) {
        return value.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
    }

    /** An attribute type as openssl names it ({@code emailAddress}, {@code DC}, {@code UID}), or its OID. */
    public static String typeName(ASN1ObjectIdentifier type) {
        String name = BCStyle.INSTANCE.oidToDisplayName(type);
        if (name == null) {
            return type.getId();
        }
        return switch (name) {
            case "E" -> "emailAddress";
            case "SERIALNUMBER" -> "serialNumber";
            default -> name;
        };
    }

    public X500Name name() {
        return name;
    }

    /** The value of a field, or null when the subject has none. */
    public String value(Field field) {
        return values.get(field);
    }

    /**
     * The subject as certdesk shows and records it: {@code C=NL,ST=North-Holland,L=Amsterdam,O=ACME BV,OU=API
     * Client,CN=acme-42}, in the certificate's order, with {@code , + " \ < > ; =} and edge spaces escaped as in
     * RFC 4514. Read backwards, it is what {@code openssl x509 -noout -subject -nameopt RFC2253} prints.
     */
    public String text() {
        return name.toString();
    }

    @Override
    public String toString() {
        return text();
    }

    /** A subject that cannot be signed as it is; the message says why. */
    public static final class NotAllowed extends IllegalArgumentException {
        NotAllowed(String message) {
            super("subject not allowed: " + message);
        }
    }
}
