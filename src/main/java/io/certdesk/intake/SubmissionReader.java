package io.certdesk.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.request.CsrFormatException;
import io.certdesk.request.CsrParser;
import io.certdesk.request.ExposedKeys;

/** Finds the request in a mail: the labelled fields in its text, the CSR, and private keys that must not be there. */
public final class SubmissionReader {

    /** Public-key hashes of exposed keys kept per mail (each key in its encodings): the certificates they unlock are revoked. */
    static final int MAX_EXPOSED_KEY_HASHES = 300;

    /**
     * A labelled field on one line ("Organization ID: acme-42", quoted or bulleted). Matched line by line: a pattern
     * over the whole text whose leading blanks could span lines took time growing with the square of the number of
     * empty lines (minutes for a 256 KB body of line breaks, on the thread that reads every client's mail).
     */
    private static final Pattern FIELD = Pattern.compile("[ \\t\\x0B\\f>*•\\-]*([A-Za-z][A-Za-z .\\-_/]{1,40}?)[ \\t\\x0B\\f]*[:=](.*)");
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+\\-]+@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,}");
    private static final Pattern PRIVATE_KEY_PEM = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("organizationid", "org"), Map.entry("organisationid", "org"), Map.entry("orgid", "org"),
            Map.entry("clientid", "org"), Map.entry("customerid", "org"), Map.entry("organizationidentifier", "org"),
            Map.entry("company", "company"), Map.entry("companyname", "company"), Map.entry("organization", "company"),
            Map.entry("organisation", "company"), Map.entry("organizationname", "company"), Map.entry("organisationname", "company"),
            Map.entry("technicalcontact", "contact"), Map.entry("techcontact", "contact"), Map.entry("technicalcontactemail", "contact"),
            Map.entry("contact", "contact"), Map.entry("contactperson", "contact"), Map.entry("technicalcontactperson", "contact"),
            Map.entry("environment", "environment"), Map.entry("env", "environment"),
            Map.entry("revoke", "revoke"), Map.entry("revokecertificate", "revoke"), Map.entry("revocation", "revoke"),
            Map.entry("reason", "reason"), Map.entry("revocationreason", "reason"));
    private static final int MAX_VALUE_LENGTH = 200;

    private SubmissionReader() {
    }

    public static Submission read(IncomingMail mail) {
        String body = mail.body() == null ? "" : mail.body();
        String org = null;
        String company = null;
        String contact = null;
        String environment = null;
        String revoke = null;
        String reason = null;
        String[] lines = LINE_BREAK.split(body, -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher field = FIELD.matcher(lines[i]);
            if (!field.matches()) {
                continue;
            }
            String rawValue = field.group(2).strip();
            if (rawValue.isEmpty()) {
                // "Organization ID:" with its value on the next line that is not blank
                int next = i + 1;
                while (next < lines.length && lines[next].isBlank()) {
                    next++;
                }
                if (next == lines.length || knownField(lines[next])) {
                    // a greeting such as "Details:" takes no field's line as its value
                    continue;
                }
                i = next;
                rawValue = lines[next].strip();
            }
            String label = LABELS.get(field.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z]", ""));
            String value = clean(rawValue);
            if (label == null || value.isEmpty()) {
                continue;
            }
            switch (label) {
                case "org" -> org = org == null ? value : org;
                case "company" -> company = company == null ? value : company;
                case "contact" -> contact = contact == null ? value : contact;
                case "revoke" -> revoke = revoke == null ? value.split("\\s+")[0] : revoke;
                case "reason" -> reason = reason == null ? value : reason;
                default -> environment = environment == null ? value.toLowerCase(Locale.ROOT) : environment;
            }
        }
        String contactEmail = null;
        String contactName = null;
        if (contact != null) {
            Matcher email = EMAIL.matcher(contact);
            if (email.find()) {
                contactEmail = email.group().toLowerCase(Locale.ROOT);
                contactName = clean(contact.replace(email.group(), "").replaceAll("[<>()\\[\\],;\"]", " ")
                        .replaceAll("\\s+-\\s*$", "").replaceAll("\\s+", " "));
                contactName = contactName.isEmpty() ? null : contactName;
            } else {
                contactName = contact;
            }
        }

        List<byte[]> csrs = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> privateKeys = new ArrayList<>();
        List<String> exposedKeys = new ArrayList<>();
        if (PRIVATE_KEY_PEM.matcher(body).find()) {
            privateKeys.add("a PEM private key block in the mail text");
            exposedKeys.addAll(ExposedKeys.publicKeyHashes(body));
        }
        collectPem(body, "the mail text", csrs, unreadable);
        List<byte[]> certificates = new ArrayList<>(Certificates.fromText(body));
        for (int i = 0; i < mail.attachments().size(); i++) {
            IncomingMail.Attachment attachment = mail.attachments().get(i);
            readAttachment(attachment, AttachmentLabel.of(i + 1, attachment.fileName()), csrs, unreadable, privateKeys, exposedKeys);
            certificates.addAll(Certificates.fromAttachment(attachment));
        }
        Set<String> textKeys = Set.copyOf(exposedKeys);
        boolean keyInText = PRIVATE_KEY_PEM.matcher(body).find();
        for (IncomingMail.Enclosed enclosed : mail.enclosed()) {
            // a forwarded mail or the HTML alternative: searched for keys, never read as the request
            List<String> found = new ArrayList<>();
            IncomingMail.Attachment part = enclosed.part();
            if ("text/html".equals(part.contentType()) && part.content() != null) {
                // the key as the HTML shows it (tags and line breaks gone) after the markup it sits in
                String html = new String(part.content(), StandardCharsets.UTF_8);
                byte[] both = (html + "\n" + MailReader.htmlToText(html)).getBytes(StandardCharsets.UTF_8);
                part = new IncomingMail.Attachment(part.fileName(), part.contentType(), both, both.length);
            }
            List<String> foundKeys = new ArrayList<>();
            readAttachment(part, enclosed.where(), new ArrayList<>(), new ArrayList<>(), found, foundKeys);
            exposedKeys.addAll(foundKeys);
            // the HTML beside a plain text that shows the same key says nothing new
            boolean sameAsText = keyInText && enclosed.where().equals(MailReader.HTML_ALTERNATIVE) && !foundKeys.isEmpty()
                    && textKeys.containsAll(foundKeys);
            if (!sameAsText) {
                privateKeys.addAll(found);
            }
        }
        return new Submission(org == null ? null : org.replaceAll("\\s+", ""), company, contactName, contactEmail,
                environment, List.copyOf(csrs), AttachmentLabel.capped(unreadable), AttachmentLabel.capped(privateKeys),
                exposedKeys.stream().distinct().limit(MAX_EXPOSED_KEY_HASHES).toList(), revoke, reason, Certificates.distinct(certificates));
    }

    /** {@code label} names the attachment in the reply: its file name only when that is a plain one (AttachmentLabel). */
    private static void readAttachment(IncomingMail.Attachment attachment, String label, List<byte[]> csrs, List<String> unreadable,
                                       List<String> privateKeys, List<String> exposedKeys) {
        String name = attachment.fileName().toLowerCase(Locale.ROOT);
        String type = attachment.contentType();
        if (name.endsWith(".key") || name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".p8")
                || type.contains("pkcs12") || type.contains("pkcs8")) {
            privateKeys.add(label);
            if (attachment.content() != null) {
                // a key file in PEM or DER (client-key.key, key.p8) still names the certificates it unlocks
                exposedKeys.addAll(ExposedKeys.publicKeyHashes(new String(attachment.content(), StandardCharsets.ISO_8859_1)));
                exposedKeys.addAll(ExposedKeys.publicKeyHashesOfDer(attachment.content()));
            }
            return;
        }
        if (attachment.content() == null) {
            return;
        }
        if (ExposedKeys.isPrivateKeyDer(attachment.content())) {
            // a key written with -outform DER, whatever the file is called (key.der, client.csr by mistake, key.bin)
            privateKeys.add(label + " (it holds a DER private key)");
            exposedKeys.addAll(ExposedKeys.publicKeyHashesOfDer(attachment.content()));
            return;
        }
        String text = new String(attachment.content(), StandardCharsets.ISO_8859_1);
        if (PRIVATE_KEY_PEM.matcher(text).find()) {
            privateKeys.add(label + " (it holds a PEM private key)");
            exposedKeys.addAll(ExposedKeys.publicKeyHashes(text));
        }
        if (CsrParser.containsPem(text)) {
            collectPem(text, label, csrs, unreadable);
            return;
        }
        boolean csrByName = name.endsWith(".csr") || name.endsWith(".req") || name.endsWith(".der") || name.endsWith(".p10");
        boolean csrByType = type.contains("pkcs10");
        if (csrByName || csrByType) {
            if (looksLikeDer(attachment.content())) {
                addDistinct(csrs, attachment.content());
            } else {
                unreadable.add(label + " is named like a CSR but holds neither a PEM CSR block nor DER data.");
            }
        }
    }

    private static void collectPem(String text, String where, List<byte[]> csrs, List<String> unreadable) {
        if (!CsrParser.containsPem(text)) {
            return;
        }
        try {
            for (byte[] der : CsrParser.pemBlocks(text)) {
                addDistinct(csrs, der);
            }
        } catch (CsrFormatException e) {
            unreadable.add("In " + where + ": " + e.getMessage());
        }
    }

    private static boolean looksLikeDer(byte[] content) {
        return content.length > 2 && content[0] == 0x30;
    }

    private static void addDistinct(List<byte[]> csrs, byte[] der) {
        for (byte[] existing : csrs) {
            if (Arrays.equals(existing, der)) {
                return;
            }
        }
        csrs.add(der);
    }

    private static boolean knownField(String line) {
        Matcher field = FIELD.matcher(line);
        return field.matches() && LABELS.containsKey(field.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z]", ""));
    }

    private static String clean(String value) {
        // a field's value is at most MAX_VALUE_LENGTH characters: a line of thousands is cut before it is cleaned
        value = value.length() > 2 * MAX_VALUE_LENGTH ? value.substring(0, 2 * MAX_VALUE_LENGTH) : value;
        String cleaned = value.replaceAll("\\p{Cntrl}", " ").replaceAll("^[\"'`*_]+|[\"'`*_]+$", "").trim();
        return cleaned.length() > MAX_VALUE_LENGTH ? cleaned.substring(0, MAX_VALUE_LENGTH) : cleaned;
    }
}
