package io.certdesk.inventory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Client organizations and their contacts. An organization is known once a certificate was issued to it. */
@Repository
public class Organizations {

    public static final String TECHNICAL = "TECHNICAL";
    public static final String REQUESTER = "REQUESTER";

    public record Organization(String id, String companyName, Instant createdAt) {
    }

    public record Contact(String email, String name, String role) {
    }

    private final JdbcClient jdbc;

    public Organizations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Organization> find(String id) {
        return jdbc.sql("select id, company_name, created_at from organization where id = ?").param(id)
                .query((rs, n) -> new Organization(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
                .optional();
    }

    /**
     * A registered organization whose id reads like {@code id} to a person (see {@link #skeleton}) but is another,
     * when {@code id} itself is not registered: a new organization named so would pass for the registered one with
     * the approvers, and with relying parties that compare names loosely. A registered id returns at once.
     */
    public Optional<String> lookAlike(String id) {
        if (id == null || find(id).isPresent()) {
            return Optional.empty();
        }
        return closest(id, jdbc.sql("select id from organization").query(String.class).list());
    }

    /**
     * The same among the organizations that requests and partner chains waiting for their approvers would start: two
     * look-alike new organizations approved side by side. Only told to the approvers: refusing would let anyone who
     * guesses a coming client's id block it with a waiting request of a look-alike id.
     */
    public Optional<String> lookAlikeWaiting(String id) {
        if (id == null || find(id).isPresent()) {
            return Optional.empty();
        }
        return closest(id, jdbc.sql("""
                        select organization_id from certificate_request where status = 'AWAITING_APPROVAL' and organization_id is not null
                        union select organization_id from trust_request where status = 'AWAITING_APPROVAL' and organization_id is not null""")
                .query(String.class).list());
    }

    private static Optional<String> closest(String id, List<String> ids) {
        String skeleton = skeleton(id);
        return ids.stream().filter(other -> !other.equals(id) && skeleton(other).equals(skeleton)).sorted().findFirst();
    }

    /**
     * An organization id as a person reads it: no case, no separators (. _ -), no leading zeros, and 0/o, 1/l/i, rn/m
     * and vv/w alike.
     */
    static String skeleton(String id) {
        String s = id.toLowerCase(Locale.ROOT).replaceAll("[._-]+", "").replaceAll("(?<![0-9])0+(?=[0-9])", "");
        return s.replace('0', 'o').replace('1', 'i').replace('l', 'i').replace("rn", "m").replace("vv", "w");
    }

    public List<Contact> contacts(String organizationId) {
        return jdbc.sql("select email, name, role from organization_contact where organization_id = ? order by role, email")
                .param(organizationId).query((rs, n) -> new Contact(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    /** Whether the organization's requests must come in mail DKIM-signed by the sender's domain. */
    public boolean requiresDkim(String id) {
        return jdbc.sql("select require_dkim from organization where id = ?").param(id).query(Boolean.class)
                .optional().orElse(false);
    }

    /**
     * Whether a signer domain speaks for a contact of an organization that requires DKIM: the contact's mail domain
     * or a parent of it.
     */
    public boolean dkimRequiredFrom(String signerDomain) {
        String signer = signerDomain.toLowerCase(Locale.ROOT);
        return jdbc.sql("select distinct lower(c.email) from organization_contact c join organization o on o.id = c.organization_id "
                        + "where o.require_dkim = true").query(String.class).list().stream()
                .map(email -> email.substring(email.lastIndexOf('@') + 1))
                .anyMatch(domain -> domain.equals(signer) || domain.endsWith("." + signer) && signer.contains("."));
    }

    public void requireDkim(String id, boolean required) {
        jdbc.sql("update organization set require_dkim = ? where id = ?").params(required, id).update();
    }

    /** Records the organization if it is new; an existing organization keeps its company name. */
    public void ensure(String id, String companyName, Instant now) {
        if (find(id).isEmpty()) {
            jdbc.sql("insert into organization (id, company_name, created_at) values (?, ?, ?)")
                    .params(id, companyName, Timestamp.from(now)).update();
        }
    }

    /** Replaces the organization's technical contacts; reminders and notices go to the new ones from now on. */
    public void replaceTechnicalContacts(String organizationId, List<Contact> contacts, Instant now) {
        jdbc.sql("delete from organization_contact where organization_id = ? and role = ?").params(organizationId, TECHNICAL).update();
        for (Contact contact : contacts) {
            addContact(organizationId, contact.email(), contact.name(), TECHNICAL, now);
        }
    }

    public void addContact(String organizationId, String email, String name, String role, Instant now) {
        if (email == null || email.isBlank()) {
            return;
        }
        Integer existing = jdbc.sql("select count(*) from organization_contact where organization_id = ? and email = ? and role = ?")
                .params(organizationId, email, role).query(Integer.class).single();
        if (existing == 0) {
            jdbc.sql("insert into organization_contact (organization_id, email, name, role, added_at) values (?, ?, ?, ?, ?)")
                    .params(organizationId, email, name, role, Timestamp.from(now)).update();
        }
    }
}
