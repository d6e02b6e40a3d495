package db.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every certificate gets the one hash by which its key is known ({@link PublicKeyHashes#keyId}), read from the
 * certificate itself: a certificate issued for an RSA key with another exponent, or for a key written in an odd
 * encoding, is found by the key's other forms from now on (a keyCompromise revocation of the same modulus reaches
 * it). A row whose certificate cannot be read keeps the hash it was recorded with.
 */
public class V21__Key_id_of_every_certificate extends BaseJavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(V21__Key_id_of_every_certificate.class);
    private static final int BATCH = 500;

    private int unreadableCertificates;

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement ddl = context.getConnection().createStatement()) {
            ddl.execute("alter table issued_certificate add column key_id varchar(64)");
        }
        // read as a cursor and written in batches: an inventory of any size passes through in bounded memory
        try (Statement select = context.getConnection().createStatement();
             PreparedStatement update = context.getConnection().prepareStatement("update issued_certificate set key_id = ? where serial = ?")) {
            select.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rows = select.executeQuery("select serial, certificate_pem, public_key_sha256 from issued_certificate")) {
                while (rows.next()) {
                    update.setString(1, keyId(rows.getString(2), rows.getString(3)));
                    update.setString(2, rows.getString(1));
                    update.addBatch();
                    if (++pending == BATCH) {
                        update.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
        if (unreadableCertificates > 0) {
            LOG.warn("{} certificates in the inventory could not be read: each keeps the key hash it was recorded with as its "
                    + "key id, and is found by that encoding of its key only", unreadableCertificates);
        }
        try (Statement ddl = context.getConnection().createStatement()) {
            ddl.execute("alter table issued_certificate alter column key_id set not null");
            ddl.execute("create index issued_certificate_key_id on issued_certificate (key_id)");
        }
    }

    private String keyId(String certificatePem, String recordedHash) {
        try {
            return PublicKeyHashes.keyId(Pem.subjectPublicKeyInfo(certificatePem));
        } catch (RuntimeException unreadable) {
            unreadableCertificates++;
            return recordedHash.trim();
        }
    }
}
