package io.certdesk.support;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import jakarta.mail.Address;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.SubjectTerm;

/** A client's view of the mail server: sends over SMTP, reads over IMAP, as a person's mail program would. */
public final class Mailbox {

    public static final String SUPPORT = "support@certdesk.local";

    private final String host;
    private final int smtpPort;
    private final int imapPort;

    public Mailbox(String host, int smtpPort, int imapPort) {
        this.host = host;
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
    }

    /** A received mail: subject, text and attachments by file name. */
    public record Received(String subject, String text, Map<String, byte[]> attachments, Map<String, String> headers) {
        public String attachmentText(String name) {
            byte[] content = attachments.get(name);
            return content == null ? null : new String(content, StandardCharsets.US_ASCII);
        }
    }

    public static final class Draft {
        private final String from;
        private String subject = "Certificate request";
        private String body = "";
        private String messageId;
        private final Map<String, byte[]> attachments = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Draft(String from) {
            this.from = from;
        }

        public Draft subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Draft body(String body) {
            this.body = body;
            return this;
        }

        public Draft messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Draft attach(String name, byte[] content) {
            attachments.put(name, content);
            return this;
        }

        public Draft header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    public static Draft from(String address) {
        return new Draft(address);
    }

    public void send(Draft draft) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        Transport.send(build(Session.getInstance(props), draft));
    }

    /** The mail {@link #send} would send, as bytes (for a DKIM signer to sign before {@link #sendExactly}). */
    public static byte[] render(Draft draft) throws Exception {
        MimeMessage message = build(Session.getInstance(new Properties()), draft);
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static MimeMessage build(Session session, Draft draft) throws Exception {
        String fixedId = draft.messageId;
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                if (fixedId == null) {
                    super.updateMessageID();
                } else {
                    setHeader("Message-ID", fixedId);
                }
            }
        };
        message.setFrom(new InternetAddress(draft.from));
        message.setRecipients(Message.RecipientType.TO, SUPPORT);
        message.setSubject(draft.subject, "UTF-8");
        for (Map.Entry<String, String> header : draft.headers.entrySet()) {
            message.setHeader(header.getKey(), header.getValue());
        }
        if (draft.attachments.isEmpty()) {
            message.setText(draft.body, "UTF-8");
        } else {
            MimeMultipart multipart = new MimeMultipart();
            MimeBodyPart text = new MimeBodyPart();
            text.setText(draft.body, "UTF-8");
            multipart.addBodyPart(text);
            for (Map.Entry<String, byte[]> attachment : draft.attachments.entrySet()) {
                MimeBodyPart part = new MimeBodyPart();
                part.setContent(attachment.getValue(), "application/octet-stream");
                part.setFileName(attachment.getKey());
                part.setDisposition(Part.ATTACHMENT);
                multipart.addBodyPart(part);
            }
            message.setContent(multipart);
        }
        return message;
    }

    /**
     * Sends {@code count} mails to the support address over one SMTP connection, as a burst of clients would:
     * mail {@code i} comes from {@code client-i@<domain>} with the text and, if not null, the CSR the functions give.
     */
    public void sendMany(int count, String domain, IntFunction<String> text,
                         IntFunction<byte[]> csr) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        Session session = Session.getInstance(props);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (int i = 0; i < count; i++) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("client-" + i + "@" + domain));
                message.setRecipients(Message.RecipientType.TO, SUPPORT);
                message.setSubject("CSR " + i);
                MimeMultipart multipart = new MimeMultipart();
                MimeBodyPart body = new MimeBodyPart();
                body.setText(text.apply(i));
                multipart.addBodyPart(body);
                byte[] attachment = csr.apply(i);
                if (attachment != null) {
                    MimeBodyPart file = new MimeBodyPart();
                    file.setContent(attachment, "application/octet-stream");
                    file.setFileName("client.csr");
                    multipart.addBodyPart(file);
                }
                message.setContent(multipart);
                message.saveChanges();
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
    }

    /** Sends a mail exactly as written (headers, MIME structure, charsets), as a hostile or broken client would. */
    public void sendRaw(String raw) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        // the envelope sender, so that a From header no parser accepts still goes out as written
        props.put("mail.smtp.from", "raw-sender@hostile.test");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))) {
            @Override
            protected void updateMessageID() {
                // keep the Message-ID as written
            }
        };
        Transport.send(message, new Address[]{new InternetAddress(SUPPORT)});
    }

    /**
     * Sends {@code raw} byte for byte over SMTP (the headers and body a DKIM signer signed stay exactly as signed,
     * which a MIME library re-writing the mail would not guarantee), from {@code envelopeFrom} to the support address.
     */
    public void sendExactly(String envelopeFrom, byte[] raw) throws Exception {
        try (Socket socket = new Socket(host, smtpPort)) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            for (String[] step : new String[][]{{"HELO client.test", "250"}, {"MAIL FROM:<" + envelopeFrom + ">", "250"},
                    {"RCPT TO:<" + SUPPORT + ">", "250"}, {"DATA", "354"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                expect(in, step[1]);
            }
            String text = new String(raw, StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n");
            if (!text.endsWith("\r\n")) {
                text += "\r\n";
            }
            // dot-stuffing: a line that starts with "." gets one more
            text = text.replaceAll("(?m)^\\.", "..");
            out.write((text + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            expect(in, "250");
            out.write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null || !line.startsWith(code)) {
                throw new IOException("SMTP server answered " + line + ", expected " + code);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
    }

    /** The mails in the address's inbox exactly as the IMAP server holds them, oldest first. */
    public List<byte[]> raw(String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect(host, imapPort, address, "certdesk");
        try {
            Folder folder = store.getFolder("INBOX");
            folder.open(Folder.READ_ONLY);
            List<byte[]> mails = new ArrayList<>();
            for (Message message : folder.getMessages()) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                message.writeTo(raw);
                mails.add(raw.toByteArray());
            }
            folder.close(false);
            return mails;
        } finally {
            store.close();
        }
    }

    /** Waits until the address's inbox holds at least {@code count} mails, and returns them all. */
    public List<Received> await(String address, int count, Duration timeout) throws Exception {
        return Polling.until(timeout, Duration.ofMillis(150), () -> read(address, "INBOX"), mails -> mails.size() >= count,
                mails -> new AssertionError("expected " + count + " mail(s) for " + address + " within " + timeout + ", got "
                        + mails.size() + ": " + mails.stream().map(Received::subject).toList()));
    }

    public Received awaitOne(String address) throws Exception {
        return await(address, 1, Duration.ofSeconds(30)).get(0);
    }

    public List<Received> read(String address, String folderName) throws Exception {
        return read(address, folderName, null);
    }

    /**
     * The mails in {@code address}'s folder whose subject holds {@code subjectPart}, searched on the server: a mailbox
     * that every test of a context writes to holds hundreds of mails, and reading them all each poll is slow.
     */
    public List<Received> readAbout(String address, String subjectPart) throws Exception {
        return read(address, "INBOX", subjectPart);
    }

    private List<Received> read(String address, String folderName, String subjectPart) throws Exception {
        Properties props = new Properties();
        Session session = Session.getInstance(props);
        Store store = session.getStore("imap");
        store.connect(host, imapPort, address, "certdesk");
        try {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            List<Received> received = new ArrayList<>();
            Message[] messages = subjectPart == null ? folder.getMessages() : folder.search(new SubjectTerm(subjectPart));
            for (Message message : messages) {
                StringBuilder text = new StringBuilder();
                Map<String, byte[]> attachments = new LinkedHashMap<>();
                try {
                    if (message.getSize() > 1024 * 1024) {
                        text.append("(not read: ").append(message.getSize()).append(" bytes)");
                    } else {
                        collect(message, text, attachments);
                    }
                } catch (MessagingException movedMeanwhile) {
                    continue;
                } catch (IOException unreadable) {
                    // a hostile mail in a support folder: kept in the list, its text unread
                    text.append("(unreadable: ").append(unreadable).append(')');
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (String name : List.of("Message-ID", "In-Reply-To", "Auto-Submitted", "X-Certdesk-Reference", "Content-Type")) {
                    String[] values;
                    try {
                        values = message.getHeader(name);
                    } catch (MessageRemovedException movedMeanwhile) {
                        values = null;
                    }
                    if (values != null) {
                        headers.put(name, values[0]);
                    }
                }
                try {
                    String subject = message.getSubject();
                    received.add(new Received(subject == null ? "" : subject, text.toString(), attachments, headers));
                } catch (MessagingException movedMeanwhile) {
                    // moved by certdesk while being read: it is no longer in this folder
                }
            }
            folder.close(false);
            return received;
        } finally {
            store.close();
        }
    }

    /** Where a mail in someone's mailbox is, as "folder: subject". */
    public record Stored(String folder, String subject, boolean holdsPrivateKey) {
    }

    /**
     * Every mail from {@code sender} in every folder of {@code address}'s mailbox, as a person browsing it over IMAP
     * would find it, and whether it holds a private key (a {@code -----BEGIN ... PRIVATE KEY} block in its raw text
     * or in any part once decoded, forwarded mails' parts included).
     */
    public List<Stored> everyFolder(String address, String sender) throws Exception {
        // a mail certdesk expunges while it is read fails the read: what is left is read again, from the start
        for (int attempt = 1; ; attempt++) {
            try {
                return everyFolderOnce(address, sender);
            } catch (IOException expungedWhileRead) {
                if (attempt == 3) {
                    throw expungedWhileRead;
                }
                Thread.sleep(200);
            }
        }
    }

    private List<Stored> everyFolderOnce(String address, String sender) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect(host, imapPort, address, "certdesk");
        try {
            List<Stored> found = new ArrayList<>();
            for (Folder folder : store.getDefaultFolder().list("*")) {
                if ((folder.getType() & Folder.HOLDS_MESSAGES) == 0) {
                    continue;
                }
                folder.open(Folder.READ_ONLY);
                try {
                    // searched on the server: other tests leave mail in these folders that no parser reads
                    for (Message message : folder.search(new FromStringTerm(sender))) {
                        try {
                            if (message.isSet(Flags.Flag.DELETED)) {
                                continue;
                            }
                            String raw = rawText(message);
                            String subject;
                            try {
                                subject = String.valueOf(message.getSubject());
                            } catch (MessagingException unreadableSubject) {
                                subject = "(unreadable)";
                            }
                            found.add(new Stored(folder.getFullName(), subject, holdsPrivateKey(raw) || decodedPartsHoldPrivateKey(message)));
                        } catch (MessageRemovedException movedMeanwhile) {
                            // certdesk moved it while it was being read
                        }
                    }
                } finally {
                    folder.close(false);
                }
            }
            return found;
        } finally {
            store.close();
        }
    }

    private static String rawText(Message message) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        return raw.toString(StandardCharsets.ISO_8859_1);
    }

    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN[A-Z0-9 ]*PRIVATE KEY");

    private static boolean holdsPrivateKey(String text) {
        return PRIVATE_KEY.matcher(text).find();
    }

    private static boolean decodedPartsHoldPrivateKey(Part part) {
        try {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    if (decodedPartsHoldPrivateKey(multipart.getBodyPart(i))) {
                        return true;
                    }
                }
                return false;
            }
            if (part.isMimeType("message/rfc822") && part.getContent() instanceof Part forwarded) {
                return decodedPartsHoldPrivateKey(forwarded);
            }
            try (InputStream in = part.getInputStream()) {
                return holdsPrivateKey(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        } catch (Exception undecodable) {
            return false;
        }
    }

    private static void collect(Part part, StringBuilder text, Map<String, byte[]> attachments) throws Exception {
        if (part.isMimeType("multipart/signed")) {
            // an S/MIME-signed mail: its content is the first part; the signature is shown as a badge, not a file
            collect(((Multipart) part.getContent()).getBodyPart(0), text, attachments);
        } else if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), text, attachments);
            }
        } else if (part.getFileName() != null) {
            try (InputStream in = part.getInputStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                attachments.put(part.getFileName(), out.toByteArray());
            }
        } else if (part.isMimeType("text/plain")) {
            text.append(part.getContent());
        }
    }
}
