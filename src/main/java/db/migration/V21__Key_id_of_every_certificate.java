package db.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Every certificate gets the one hash by which its key is known ({@link PublicKeyHashes#keyId}), read from the
 * certificate itself: a certificate issued for an RSA key with another exponent, or for a key written in an odd
 * encoding, is found by the key's other forms from now on (a keyCompromise revocation of the same modulus reaches
 * it). A row whose certificate cannot be read keeps the hash it was recorded with.
 */
public class V21__Key_id_of_every_certificate extends BaseJavaMigration {

    private static final int BATCH = 500;

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
        try (Statement ddl = context.getConnection().createStatement()) {
            ddl.execute("alter table issued_certificate alter column key_id set not null");
            ddl.execute("create index issued_certificate_key_id on issued_certificate (key_id)");
        }
    }

    private static String keyId(String certificatePem, String recordedHash) {
        try {
            return PublicKeyHashes.keyId(SubjectPublicKeyInfo.getInstance(Pem.certificate(certificatePem).getPublicKey().getEncoded()));
        } catch (RuntimeException unreadable) {
            return recordedHash.trim();
        }
    }
}
