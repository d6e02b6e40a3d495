package io.certdesk.web;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.certdesk.trust.ClientCertificateBlocks;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Blocking a client certificate by its SHA-256 fingerprint, for administrators: {@code POST /admin/partner-blocks}
 * with {@code {"fingerprint": "AB:CD:...", "reason": "key leaked"}} answers 201; {@code GET} lists the blocks. The
 * mTLS endpoints refuse a blocked certificate from the next handshake on. The administrator recorded is the
 * authenticated one, never a name from the body.
 */
@RestController
public class AdminPartnerBlockController {

    private final ClientCertificateBlocks blocks;
    private final Clock clock;

    public AdminPartnerBlockController(ClientCertificateBlocks blocks, Clock clock) {
        this.blocks = blocks;
        this.clock = clock;
    }

    public record BlockRequest(String fingerprint, String reason) {
    }

    @GetMapping("/admin/partner-blocks")
    public List<ClientCertificateBlocks.Block> list() {
        return blocks.list();
    }

    @PostMapping("/admin/partner-blocks")
    public ResponseEntity<Object> block(@RequestBody(required = false) BlockRequest body, HttpServletRequest http) {
        String fingerprint = body == null ? null : ClientCertificateBlocks.normalize(body.fingerprint());
        if (fingerprint == null || body.reason() == null || body.reason().isBlank() || body.reason().length() > 1000) {
            return ResponseEntity.badRequest().body(Map.of("error", "Send {\"fingerprint\": \"<SHA-256 of the certificate, as "
                    + "openssl x509 -noout -fingerprint -sha256 prints it>\", \"reason\": \"<why, at most 1000 characters>\"}"));
        }
        String admin = (String) http.getAttribute(AdminAuthenticationFilter.USER_ATTRIBUTE);
        return blocks.block(fingerprint, body.reason().strip(), admin, clock.instant())
                .<ResponseEntity<Object>>map(block -> ResponseEntity.status(HttpStatus.CREATED).body(block))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", fingerprint + " is blocked already")));
    }
}
