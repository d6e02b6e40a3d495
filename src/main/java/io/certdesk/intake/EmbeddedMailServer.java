package io.certdesk.intake;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.certdesk.config.CertdeskProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded mode's mail server: GreenMail with SMTP and IMAP on fixed local ports. It accepts every
 * address and any password, so a person can mail a CSR to the support address and read every reply with an
 * ordinary mail client or {@code curl imap://}.
 */
public class EmbeddedMailServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMailServer.class);

    private final GreenMail greenMail;
    private final CertdeskProperties.EmbeddedMail settings;

    public EmbeddedMailServer(CertdeskProperties.EmbeddedMail settings) {
        this.settings = settings;
        this.greenMail = new GreenMail(new ServerSetup[]{
                new ServerSetup(settings.smtpPort(), settings.bindAddress(), ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(settings.imapPort(), settings.bindAddress(), ServerSetup.PROTOCOL_IMAP)})
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    }

    public void start() {
        greenMail.start();
        log.info("Embedded mail server: SMTP {}:{}, IMAP {}:{} (any address, any password)", settings.bindAddress(),
                settings.smtpPort(), settings.bindAddress(), settings.imapPort());
    }

    public void stop() {
        greenMail.stop();
    }

    public GreenMail greenMail() {
        return greenMail;
    }
}
