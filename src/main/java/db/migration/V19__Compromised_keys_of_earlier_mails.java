package db.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The public keys of private keys found in mails before compromised keys had a table of their own: each request
 * kept them as one comma-separated column, which SQL alone cannot split alike on H2 and PostgreSQL.
 */
public class V19__Compromised_keys_of_earlier_mails extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Map<String, Object[]> found = new LinkedHashMap<>();
        try (Statement select = context.getConnection().createStatement();
             ResultSet rows = select.executeQuery("select reference, created_at, exposed_key_hashes from certificate_request "
                     + "where exposed_key_hashes is not null and exposed_key_hashes <> '' order by created_at")) {
            while (rows.next()) {
                for (String hash : rows.getString(3).split(",")) {
                    String key = hash.trim();
                    if (key.matches("[0-9a-f]{64}")) {
                        found.putIfAbsent(key, new Object[] {"private key found in mail " + rows.getString(1), rows.getTimestamp(2)});
                    }
                }
            }
        }
        try (PreparedStatement insert = context.getConnection().prepareStatement(
                "insert into compromised_key (public_key_sha256, kind, source, recorded_at) select ?, 'EXPOSED', ?, ? "
                        + "where not exists (select 1 from compromised_key where public_key_sha256 = ?)")) {
            for (Map.Entry<String, Object[]> key : found.entrySet()) {
                insert.setString(1, key.getKey());
                insert.setString(2, (String) key.getValue()[0]);
                insert.setTimestamp(3, (Timestamp) key.getValue()[1]);
                insert.setString(4, key.getKey());
                insert.executeUpdate();
            }
        }
    }
}
