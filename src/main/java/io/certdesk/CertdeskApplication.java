package io.certdesk;

import io.certdesk.authority.Crypto;
import io.certdesk.config.CaCeremony;
import io.certdesk.config.QuickCompilation;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** certdesk: client-certificate onboarding by mail, with approval in the Camunda Tasklist. */
@SpringBootApplication
public class CertdeskApplication {

    static {
        // Jakarta Mail 2.1 looks its StreamProvider up through the ServiceLoader for every MIME part, header block
        // and multipart it creates, reading the service files of every jar on the class path each time; named
        // here, it is a class lookup instead (that search was three quarters of certdesk's CPU for mail).
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        // every TLS handshake of the EST and mTLS listeners verifies the client's ECDSA signatures: BouncyCastle does
        // that several times faster than the JDK (signing stays with the JDK)
        Crypto.verifyEcdsaWithBouncyCastle();
        // the engine, database, web and mail frameworks compiled by C1 only: faster from the first minute on small machines
        QuickCompilation.apply();
    }

    public static void main(String[] args) {
        if (CaCeremony.requested(args)) {
            System.exit(CaCeremony.run(args));
        }
        SpringApplication.run(CertdeskApplication.class, args);
    }
}
