package io.certdesk.request;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Repository;

/** Certificate requests in the {@code certificate_request} table. */
@Repository
public class RequestRepository {

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final String nextReferenceSql;

    public RequestRepository(JdbcClient jdbc, ObjectMapper json, DataSource dataSource) throws MetaDataAccessException {
        this.jdbc = jdbc;
        this.json = json;
        String product = JdbcUtils.extractDatabaseMetaData(dataSource, meta -> meta.getDatabaseProductName());
        this.nextReferenceSql = product.toLowerCase(Locale.ROOT).contains("postgres")
                ? "select nextval('request_reference_seq')"
                : "select next value for request_reference_seq";
    }

    /** Inserts a new request and returns it with its id and reference, e.g. {@code CR-2026-000123}. */
    public CertificateRequest insert(Instant now, String messageId, String mailSubject, String senderEmail, String senderName,
                                     String orgId, String company, String environment, String contactName,
                                     String contactEmail, String csrPem, List<String> intakeProblems,
                                     List<String> privateKeyFindings, List<String> exposedKeyHashes) {
        long id = jdbc.sql(nextReferenceSql).query(Long.class).single();
        String reference = String.format("CR-%d-%06d", now.atZone(ZoneOffset.UTC).getYear(), id);
        jdbc.sql("""
                        insert into certificate_request (id, reference, created_at, message_id, mail_subject, sender_email,
                            sender_name, claimed_organization_id, claimed_company_name, claimed_environment,
                            technical_contact_name, technical_contact_email, csr_pem, intake_problems, private_key_findings,
                            findings, status, exposed_key_hashes)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 'RECEIVED', ?)""")
                .params(id, reference, Timestamp.from(now), messageId, mailSubject, senderEmail, senderName, orgId, company,
                        environment, contactName, contactEmail, csrPem, String.join("\n", intakeProblems),
                        String.join("\n", privateKeyFindings), String.join(",", exposedKeyHashes))
                .update();
        return get(id);
    }

    public void recordMailAuthenticity(long id, MailAuthenticity verdict) {
        jdbc.sql("update certificate_request set mail_authenticity = ?, mail_authenticity_domain = ?, mail_authenticity_detail = ? where id = ?")
                .params(verdict.result().name(), fit(verdict.domain(), 300), fit(verdict.detail(), 2000), id).update();
    }

    /** What intake found about the request's mail; empty when it was not checked. */
    public Optional<MailAuthenticity> mailAuthenticity(long id) {
        return jdbc.sql("select mail_authenticity, mail_authenticity_domain, mail_authenticity_detail from certificate_request where id = ?")
                .param(id).query((rs, n) -> rs.getString(1) == null ? null : new MailAuthenticity(
                        MailAuthenticity.Result.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)))
                .optional();
    }

    private static String fit(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /** The next number of the reference sequence shared by certificate and trust requests. */
    public long nextNumber() {
        return jdbc.sql(nextReferenceSql).query(Long.class).single();
    }

    public CertificateRequest get(long id) {
        return jdbc.sql("select * from certificate_request where id = ?").param(id).query(this::map).single();
    }

    public Optional<CertificateRequest> findByReference(String reference) {
        return jdbc.sql("select * from certificate_request where reference = ?").param(reference).query(this::map).optional();
    }

    public void recordValidation(long id, String organizationId, String companyName, String environment, String subject,
                                 String keyDescription, String publicKeySha256, List<PolicyFinding> findings,
                                 CertificateRequest.Status status) {
        jdbc.sql("""
                        update certificate_request set organization_id = ?, company_name = ?, environment = ?, subject = ?,
                            key_description = ?, public_key_sha256 = ?, findings = ?, status = ? where id = ?""")
                .params(organizationId, companyName, environment, subject, keyDescription, publicKeySha256,
                        toJson(findings), status.name(), id)
                .update();
    }

    /** Records the decision on a request that awaits one; false when it does not (already decided, refused by policy). */
    public boolean recordDecision(long id, CertificateRequest.Status status, String decidedBy, String reason, Instant at) {
        return jdbc.sql("update certificate_request set status = ?, decided_by = ?, decision_reason = ?, decided_at = ? "
                        + "where id = ? and status = 'AWAITING_APPROVAL'")
                .params(status.name(), decidedBy, reason, Timestamp.from(at), id).update() == 1;
    }

    public void recordRenewal(long id, List<String> serials) {
        jdbc.sql("update certificate_request set renewal_of = ? where id = ?").params(String.join(",", serials), id).update();
    }

    /** Marks a request as received over EST: its kind and the serial of the client certificate that asked. */
    public void recordEstOrigin(long id, String kind, String clientSerial) {
        jdbc.sql("update certificate_request set est_kind = ?, est_client_serial = ? where id = ?").params(kind, clientSerial, id).update();
    }

    /** The serials of the certificates issued for what this client certificate asked over EST. */
    public List<String> issuedOverEstBy(String clientSerial) {
        return jdbc.sql("select certificate_serial from certificate_request where est_client_serial = ? and certificate_serial is not null")
                .param(clientSerial).query(String.class).list();
    }

    /** What this client certificate asked over EST that is neither refused, decided against nor signed yet. */
    public List<CertificateRequest> openOverEstBy(String clientSerial) {
        return jdbc.sql("select * from certificate_request where est_client_serial = ? and status in ('RECEIVED', 'AWAITING_APPROVAL', 'APPROVED')")
                .param(clientSerial).query(this::map).list();
    }

    /** Closes a request that is not signed yet as rejected, with the reason its client reads; false when it was no longer open. */
    public boolean recordClosed(long id, String closedBy, String reason, Instant at) {
        return jdbc.sql("update certificate_request set status = 'REJECTED', decided_by = ?, decision_reason = ?, decided_at = ? "
                        + "where id = ? and status in ('RECEIVED', 'AWAITING_APPROVAL', 'APPROVED')")
                .params(closedBy, reason, Timestamp.from(at), id).update() == 1;
    }

    public void recordStatus(long id, CertificateRequest.Status status) {
        jdbc.sql("update certificate_request set status = ? where id = ?").params(status.name(), id).update();
    }

    public void recordIssued(long id, String serial) {
        jdbc.sql("update certificate_request set status = 'ISSUED', certificate_serial = ? where id = ?").params(serial, id).update();
    }

    private String toJson(List<PolicyFinding> findings) {
        try {
            return json.writeValueAsString(findings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<PolicyFinding> fromJson(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            return json.readValue(text, new TypeReference<List<PolicyFinding>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable findings", e);
        }
    }

    private static List<String> lines(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.split("\n"));
    }

    private CertificateRequest map(ResultSet rs, int row) throws SQLException {
        return new CertificateRequest(rs.getLong("id"), rs.getString("reference"), rs.getTimestamp("created_at").toInstant(),
                rs.getString("message_id"), rs.getString("mail_subject"), rs.getString("sender_email"),
                rs.getString("sender_name"), rs.getString("claimed_organization_id"), rs.getString("claimed_company_name"),
                rs.getString("claimed_environment"), rs.getString("technical_contact_name"),
                rs.getString("technical_contact_email"), rs.getString("csr_pem"), lines(rs.getString("intake_problems")),
                lines(rs.getString("private_key_findings")), rs.getString("organization_id"), rs.getString("company_name"),
                rs.getString("environment"), rs.getString("subject"), rs.getString("key_description"),
                rs.getString("public_key_sha256"), fromJson(rs.getString("findings")),
                CertificateRequest.Status.valueOf(rs.getString("status")), rs.getString("decided_by"),
                rs.getString("decision_reason"), rs.getString("certificate_serial"), rs.getString("exposed_key_hashes"),
                rs.getString("renewal_of") == null || rs.getString("renewal_of").isBlank() ? List.of()
                        : Arrays.asList(rs.getString("renewal_of").split(",")),
                rs.getString("est_kind"), rs.getString("est_client_serial"));
    }
}
