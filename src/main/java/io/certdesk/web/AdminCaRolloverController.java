package io.certdesk.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.rollover.CaRolloverService;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * CA rollover by an administrator: {@code POST /admin/ca-rollovers} with
 * {@code {"environment": "qa", "overlapDays": 365, "reason": "..."}} asks for one (two members of the rollover
 * approver group then decide in the Tasklist); {@code GET /admin/ca-rollovers/{environment}} shows the
 * environment's CA generations.
 */
@RestController
public class AdminCaRolloverController {

    private final CaRolloverService rollovers;
    private final CertificateAuthorities authorities;
    private final CertdeskProperties properties;

    public AdminCaRolloverController(CaRolloverService rollovers, CertificateAuthorities authorities, CertdeskProperties properties) {
        this.rollovers = rollovers;
        this.authorities = authorities;
        this.properties = properties;
    }

    public record RolloverRequest(String environment, Long overlapDays, String reason) {
    }

    @PostMapping("/admin/ca-rollovers")
    public ResponseEntity<Map<String, Object>> request(@RequestBody(required = false) RolloverRequest body, HttpServletRequest http) {
        if (body == null || body.environment() == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "Send {\"environment\": \"<one of "
                    + authorities.environments() + ">\", \"overlapDays\": " + properties.caRollover().defaultOverlap().toDays()
                    + ", \"reason\": \"...\"}"));
        }
        String admin = (String) http.getAttribute(AdminAuthenticationFilter.USER_ATTRIBUTE);
        long overlap = body.overlapDays() == null ? properties.caRollover().defaultOverlap().toDays() : body.overlapDays();
        String problem = rollovers.problem(body.environment(), overlap, admin, null);
        if (problem != null) {
            return ResponseEntity.status(problem.contains("already under way") ? HttpStatus.CONFLICT
                    : problem.startsWith("only members") ? HttpStatus.FORBIDDEN : HttpStatus.BAD_REQUEST).body(Map.of("error", problem));
        }
        String reference = rollovers.request(body.environment(), overlap, body.reason(), admin);
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("reference", reference);
        accepted.put("environment", body.environment());
        accepted.put("overlapDays", overlap);
        accepted.put("next", "two members of '" + properties.caRollover().approverGroup() + "' approve it in the Tasklist");
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(accepted);
    }

    @GetMapping("/admin/ca-rollovers/{environment}")
    public Map<String, Object> generations(@PathVariable String environment) {
        List<Map<String, Object>> listed = authorities.generations(environment).stream().map(g -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("generation", g.ca().generation());
            row.put("subject", g.ca().certificate().getSubjectX500Principal().getName());
            row.put("fingerprint", g.ca().sha256Fingerprint());
            row.put("notAfter", g.ca().certificate().getNotAfter().toInstant().toString());
            row.put("issuing", g.issuing());
            row.put("trustedUntil", g.trustedUntil() == null ? null : g.trustedUntil().toString());
            row.put("servesUntil", g.servesUntil() == null ? null : g.servesUntil().toString());
            row.put("signer", g.ca().signer().description());
            return row;
        }).toList();
        return Map.of("environment", environment, "generations", listed);
    }
}
