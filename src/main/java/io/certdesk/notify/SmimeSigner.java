package io.certdesk.notify;

import java.security.cert.CertificateEncodingException;
import java.util.Collections;
import java.util.Locale;

import io.certdesk.authority.Crypto;
import io.certdesk.authority.MailSigningKey;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Signs an outgoing mail with S/MIME (RFC 8551, {@code multipart/signed}, detached signature): the mail's content
 * becomes the signed first part, the signature with certdesk's mail-signing certificate and its chain the second.
 * A client's mail program shows the mail as signed by the support address; {@code openssl smime -verify} checks it
 * against the chain published at {@code /pki/mail-signing.pem}.
 */
public final class SmimeSigner {

    private final MailSigningKey key;

    public SmimeSigner(MailSigningKey key) {
        this.key = key;
    }

    public MailSigningKey key() {
        return key;
    }

    /** A signed copy of {@code message}: its headers, its content signed. {@code message} must have been saved. */
    public MimeMessage sign(MimeMessage message, Session session) throws MessagingException {
        try {
            MimeBodyPart content = new MimeBodyPart();
            content.setDataHandler(message.getDataHandler());
            content.setHeader("Content-Type", message.getContentType());
            String encoding = message.getHeader("Content-Transfer-Encoding", null);
            if (encoding != null) {
                content.setHeader("Content-Transfer-Encoding", encoding);
            }
            SMIMESignedGenerator generator = new SMIMESignedGenerator();
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider(Crypto.provider())
                    .build(key.signatureAlgorithm(), key.key(), key.certificate()));
            generator.addCertificates(new JcaCertStore(key.chain()));
            MimeMultipart signed = generator.generate(content);

            MimeMessage out = new MimeMessage(session);
            for (Header header : Collections.list(message.getAllHeaders())) {
                String name = header.getName().toLowerCase(Locale.ROOT);
                if (!name.startsWith("content-") && !name.equals("mime-version")) {
                    out.addHeader(header.getName(), header.getValue());
                }
            }
            out.setContent(signed, signed.getContentType());
            out.saveChanges();
            return out;
        } catch (OperatorCreationException | CertificateEncodingException
                 | SMIMEException e) {
            throw new MessagingException("cannot sign the mail: " + e.getMessage(), e);
        }
    }
}
