package io.certdesk.est;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code est_enrollment} table: which request answers a (client certificate, CSR) pair. */
@Repository
public class EstEnrollments {

    private final JdbcClient jdbc;

    public EstEnrollments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The request already made for this certificate and CSR, if any. */
    public Optional<Long> find(String clientSerial, String csrSha256) {
        return jdbc.sql("select request_id from est_enrollment where client_serial = ? and csr_sha256 = ?")
                .params(clientSerial, csrSha256).query(Long.class).optional();
    }

    /** The reference of a request of this certificate still waiting for an approver or for signing, if any. */
    public Optional<String> pending(String clientSerial) {
        return jdbc.sql("""
                        select r.reference from est_enrollment e join certificate_request r on r.id = e.request_id
                        where e.client_serial = ? and r.status in ('RECEIVED', 'AWAITING_APPROVAL', 'APPROVED')""")
                .param(clientSerial).query(String.class).list().stream().findFirst();
    }

    /** When the certificate made its new requests since {@code since}, oldest first. */
    public List<Instant> madeSince(String clientSerial, Instant since) {
        return jdbc.sql("select created_at from est_enrollment where client_serial = ? and created_at > ? order by created_at")
                .params(clientSerial, Timestamp.from(since)).query(Timestamp.class).list().stream().map(Timestamp::toInstant).toList();
    }

    public void insert(String clientSerial, String csrSha256, String kind, String environment, long requestId, Instant at) {
        jdbc.sql("insert into est_enrollment (client_serial, csr_sha256, kind, environment, request_id, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(clientSerial, csrSha256, kind, environment, requestId, Timestamp.from(at)).update();
    }
}
