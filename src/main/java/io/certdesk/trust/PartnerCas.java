package io.certdesk.trust;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Approved partner CAs per environment and the organizations each is approved for, and the audit trail of the trust bundles. */
@Repository
public class PartnerCas {

    public record PartnerCa(String environment, String fingerprint, String organizationId, String subject,
                            X509Certificate certificate, String approvedBy, Instant approvedAt) {
    }

    private final JdbcClient jdbc;

    public PartnerCas(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<PartnerCa> forEnvironment(String environment) {
        return jdbc.sql("select * from partner_ca where environment = ? order by approved_at, fingerprint").param(environment)
                .query((rs, n) -> new PartnerCa(rs.getString("environment"), rs.getString("fingerprint"),
                        rs.getString("organization_id"), rs.getString("subject"), parse(rs.getString("certificate_pem")),
                        rs.getString("approved_by"), rs.getTimestamp("approved_at").toInstant())).list();
    }

    /**
     * The partner CAs approved for one organization in an environment: the only CAs through which a partner
     * client certificate of that organization may connect.
     */
    public List<PartnerCa> forOrganization(String environment, String organizationId) {
        return jdbc.sql("select p.environment, p.fingerprint, g.organization_id, p.subject, p.certificate_pem, g.approved_by, g.approved_at "
                        + "from partner_ca p join partner_ca_grant g on g.environment = p.environment and g.fingerprint = p.fingerprint "
                        + "where p.environment = ? and g.organization_id = ? order by g.approved_at")
                .params(environment, organizationId)
                .query((rs, n) -> new PartnerCa(rs.getString("environment"), rs.getString("fingerprint"),
                        rs.getString("organization_id"), rs.getString("subject"), parse(rs.getString("certificate_pem")),
                        rs.getString("approved_by"), rs.getTimestamp("approved_at").toInstant())).list();
    }

    /**
     * Trusts a CA in the environment for one organization (adding it to the environment's bundle if new); false
     * when it was trusted for that organization already.
     */
    public boolean add(String environment, String fingerprint, String organizationId, String subject, String pem,
                       String reference, String approvedBy, Instant at) {
        long existing = jdbc.sql("select count(*) from partner_ca where environment = ? and fingerprint = ?")
                .params(environment, fingerprint).query(Long.class).single();
        if (existing == 0) {
            jdbc.sql("insert into partner_ca (environment, fingerprint, organization_id, subject, certificate_pem, trust_reference, "
                            + "approved_by, approved_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(environment, fingerprint, organizationId, subject, pem, reference, approvedBy, Timestamp.from(at)).update();
        }
        long granted = jdbc.sql("select count(*) from partner_ca_grant where environment = ? and fingerprint = ? and organization_id = ?")
                .params(environment, fingerprint, organizationId).query(Long.class).single();
        if (granted > 0) {
            return false;
        }
        jdbc.sql("insert into partner_ca_grant (environment, fingerprint, organization_id, trust_reference, approved_by, approved_at) "
                        + "values (?, ?, ?, ?, ?, ?)")
                .params(environment, fingerprint, organizationId, reference, approvedBy, Timestamp.from(at)).update();
        jdbc.sql("insert into trust_audit (at, environment, action, fingerprint, subject, actor, reference) values (?, ?, 'TRUSTED', ?, ?, ?, ?)")
                .params(Timestamp.from(at), environment, fingerprint, subject, approvedBy, reference).update();
        return true;
    }

    public List<Map<String, Object>> audit(String environment) {
        return jdbc.sql("select at, action, fingerprint, subject, actor, reference from trust_audit where environment = ? order by at")
                .param(environment).query().listOfRows();
    }

    static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("unreadable partner CA certificate", e);
        }
    }
}
