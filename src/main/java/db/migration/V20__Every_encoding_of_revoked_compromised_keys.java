package db.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Keys revoked for keyCompromise before certdesk compared RSA keys by modulus were recorded by their certificate's
 * encoding alone: each such certificate's key is recorded again in every encoding {@link PublicKeyHashes} knows,
 * so an RSA key revoked with an exponent other than 65537 is found when its modulus comes back with 65537.
 */
public class V20__Every_encoding_of_revoked_compromised_keys extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        List<Object[]> keys = new ArrayList<>();
        try (Statement select = context.getConnection().createStatement();
             ResultSet rows = select.executeQuery("select serial, certificate_pem, revoked_at from issued_certificate "
                     + "where revocation_reason = 'keyCompromise' order by revoked_at")) {
            while (rows.next()) {
                SubjectPublicKeyInfo key;
                try {
                    key = SubjectPublicKeyInfo.getInstance(Pem.certificate(rows.getString(2)).getPublicKey().getEncoded());
                } catch (RuntimeException unreadable) {
                    continue;  // its recorded hash stays what is known of it
                }
                for (String hash : PublicKeyHashes.ofEveryEncoding(key)) {
                    keys.add(new Object[] {hash, "certificate " + rows.getString(1) + " revoked for keyCompromise", rows.getTimestamp(3)});
                }
            }
        }
        try (PreparedStatement insert = context.getConnection().prepareStatement(
                "insert into compromised_key (public_key_sha256, kind, source, recorded_at) select ?, 'REVOKED', ?, ? "
                        + "where not exists (select 1 from compromised_key where public_key_sha256 = ?)")) {
            for (Object[] key : keys) {
                insert.setString(1, (String) key[0]);
                insert.setString(2, (String) key[1]);
                insert.setTimestamp(3, (Timestamp) key[2]);
                insert.setString(4, (String) key[0]);
                insert.executeUpdate();
            }
        }
    }
}
