package io.certdesk.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.revocation.RevocationService;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Revocation by an administrator: {@code POST /admin/revocations} with {@code {"certificate": serial or request
 * reference, "reason": "keyCompromise"}}. keyCompromise is carried out at once; other reasons wait for an approver.
 */
@RestController
public class AdminRevocationController {

    private final RevocationService revocations;

    public AdminRevocationController(RevocationService revocations) {
        this.revocations = revocations;
    }

    public record RevocationRequest(String certificate, String reason) {
    }

    @PostMapping("/admin/revocations")
    public ResponseEntity<Map<String, Object>> revoke(@RequestBody(required = false) RevocationRequest body, HttpServletRequest http) {
        if (body == null || body.certificate() == null || body.certificate().isBlank()) {
            return answer(HttpStatus.BAD_REQUEST, Map.of("error",
                    "Send {\"certificate\": \"<serial or request reference>\", \"reason\": \"keyCompromise\"}"));
        }
        RevocationReason reason;
        try {
            reason = RevocationReason.parse(body.reason() == null ? "unspecified" : body.reason());
        } catch (IllegalArgumentException e) {
            return answer(HttpStatus.BAD_REQUEST, Map.of("error", e.getMessage()));
        }
        String admin = (String) http.getAttribute(AdminAuthenticationFilter.USER_ATTRIBUTE);
        IssuedCertificate certificate;
        try {
            certificate = revocations.check(body.certificate(), reason, RevocationService.Source.ADMIN, admin);
        } catch (RevocationService.Refused refused) {
            return answer(refused.alreadyRevoked() ? HttpStatus.CONFLICT : HttpStatus.NOT_FOUND, Map.of("error", refused.getMessage()));
        }
        String process = revocations.start(certificate.serial(), reason, RevocationService.Source.ADMIN, admin, null);
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("serial", certificate.serial());
        accepted.put("reason", reason.rfcName());
        accepted.put("approvalNeeded", RevocationService.approvalNeeded(RevocationService.Source.ADMIN, reason, certificate));
        accepted.put("processInstanceId", process);
        return answer(HttpStatus.ACCEPTED, accepted);
    }

    private static ResponseEntity<Map<String, Object>> answer(HttpStatus status, Map<String, Object> body) {
        return ResponseEntity.status(status).body(body);
    }
}
