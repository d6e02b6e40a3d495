package io.certdesk.revocation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each CA's last published CRL and its CRL number, in the database all nodes share. A new number is the stored
 * one plus one, taken under the CA's row lock in the transaction that stores the new CRL.
 */
@Repository
public class PublishedCrls {

    /** A stored CRL without its bytes: enough to tell whether it is still current. */
    public record Head(long number, long revocationVersion, Instant nextUpdate, boolean signed) {
    }

    /** A CRL as stored. */
    public record Stored(long number, long revocationVersion, Instant nextUpdate, byte[] der) {
    }

    /** What the caller signs when the stored CRL is stale: the new CRL for a number. */
    public interface Signer {
        Stored sign(long number);
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public PublishedCrls(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    public Optional<Head> head(String environment) {
        return jdbc.sql("select crl_number, revocation_version, next_update, der is not null from crl where environment = ?")
                .param(environment)
                .query((rs, n) -> new Head(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getBoolean(4)))
                .optional();
    }

    public Optional<Stored> load(String environment) {
        return jdbc.sql("select crl_number, revocation_version, next_update, der from crl where environment = ? and der is not null")
                .param(environment)
                .query((rs, n) -> new Stored(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getBytes(4)))
                .optional();
    }

    /**
     * Under the CA's row lock: the stored CRL when {@code current} still accepts it (another node published it
     * meanwhile), else a new one signed with the next number and stored.
     */
    public Stored publish(String environment, Instant now, Predicate<Head> current, Signer signer) {
        ensureRow(environment, now);
        return transactions.execute(status -> {
            Stored locked = jdbc.sql("select crl_number, revocation_version, next_update, der from crl where environment = ? for update")
                    .param(environment)
                    .query((rs, n) -> new Stored(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getBytes(4)))
                    .single();
            if (locked.der() != null && current.test(new Head(locked.number(), locked.revocationVersion(), locked.nextUpdate(), true))) {
                return locked;
            }
            Stored signed = signer.sign(locked.number() + 1);
            jdbc.sql("update crl set crl_number = ?, revocation_version = ?, this_update = ?, next_update = ?, der = ? where environment = ?")
                    .params(signed.number(), signed.revocationVersion(), Timestamp.from(now), Timestamp.from(signed.nextUpdate()),
                            signed.der(), environment)
                    .update();
            return signed;
        });
    }

    /** The CA's row, numbered from the floor the migration set, made once by whichever node comes first. */
    private void ensureRow(String environment, Instant now) {
        if (head(environment).isPresent()) {
            return;
        }
        try {
            jdbc.sql("insert into crl (environment, crl_number, revocation_version, this_update, next_update, der) "
                            + "select ?, floor_value, -1, ?, ?, null from crl_number_floor")
                    .params(environment, Timestamp.from(now), Timestamp.from(now)).update();
        } catch (DuplicateKeyException madeByAnotherNode) {
            // the row is there, which is all that is needed
        }
    }
}
