package io.certdesk.web;

import java.util.Optional;

import io.certdesk.authority.MailSigningKey;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chain of the certificate certdesk signs its mails with (signing certificate first), public: clients check a
 * mail from certdesk with {@code openssl smime -verify -CAfile mail-signing.pem -in mail.eml}.
 */
@RestController
public class MailSigningController {

    private final Optional<MailSigningKey> key;

    public MailSigningController(Optional<MailSigningKey> key) {
        this.key = key;
    }

    @GetMapping("/pki/mail-signing.pem")
    public ResponseEntity<String> chain() {
        return key.map(k -> ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file"))
                        .header("Content-Disposition", "inline; filename=\"mail-signing.pem\"").body(k.chainPem()))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                        .body("certdesk sends its mail unsigned\n"));
    }
}
