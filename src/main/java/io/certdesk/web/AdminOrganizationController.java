package io.certdesk.web;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.certdesk.inventory.Organizations;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * An organization's contacts and mail policy, for administrators: {@code GET}/{@code PUT
 * /admin/organizations/{id}/technical-contacts} and {@code GET}/{@code PUT /admin/organizations/{id}/mail-policy}.
 */
@RestController
public class AdminOrganizationController {

    private static final String EMAIL = "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,}";

    private final Organizations organizations;
    private final Clock clock;

    public AdminOrganizationController(Organizations organizations, Clock clock) {
        this.organizations = organizations;
        this.clock = clock;
    }

    public record ContactIn(String email, String name) {
    }

    @GetMapping("/admin/organizations/{id}/technical-contacts")
    public ResponseEntity<Object> contacts(@PathVariable String id) {
        if (organizations.find(id).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no organization " + id));
        }
        return ResponseEntity.ok(organizations.contacts(id).stream().filter(c -> Organizations.TECHNICAL.equals(c.role())).toList());
    }

    @PutMapping("/admin/organizations/{id}/technical-contacts")
    @Transactional
    public ResponseEntity<Object> replace(@PathVariable String id, @RequestBody(required = false) List<ContactIn> contacts) {
        if (organizations.find(id).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no organization " + id));
        }
        if (contacts == null || contacts.isEmpty() || contacts.stream().anyMatch(c -> c.email() == null || !c.email().matches(EMAIL))) {
            return ResponseEntity.badRequest().body(Map.of("error",
                    "Send a non-empty list such as [{\"email\": \"jane@acme.test\", \"name\": \"Jane Roe\"}] with valid addresses"));
        }
        organizations.replaceTechnicalContacts(id, contacts.stream()
                .map(c -> new Organizations.Contact(c.email().toLowerCase(Locale.ROOT), c.name(), Organizations.TECHNICAL)).toList(),
                clock.instant());
        return contacts(id);
    }

    /** Whether the organization's requests must come in mail DKIM-signed by the sender's domain. */
    public record MailPolicy(Boolean requireDkim) {
    }

    @GetMapping("/admin/organizations/{id}/mail-policy")
    public ResponseEntity<Object> mailPolicy(@PathVariable String id) {
        if (organizations.find(id).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no organization " + id));
        }
        return ResponseEntity.ok(new MailPolicy(organizations.requiresDkim(id)));
    }

    @PutMapping("/admin/organizations/{id}/mail-policy")
    @Transactional
    public ResponseEntity<Object> mailPolicy(@PathVariable String id, @RequestBody(required = false) MailPolicy policy) {
        if (organizations.find(id).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no organization " + id));
        }
        if (policy == null || policy.requireDkim() == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "Send {\"requireDkim\": true} or {\"requireDkim\": false}"));
        }
        organizations.requireDkim(id, policy.requireDkim());
        return mailPolicy(id);
    }
}
