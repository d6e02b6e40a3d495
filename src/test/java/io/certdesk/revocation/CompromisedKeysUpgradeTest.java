package io.certdesk.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.certdesk.support.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A database from before compromised keys had a table of their own, upgraded: keys revoked for keyCompromise and
 * private keys found in mails earlier are known as compromised afterwards, on H2 and on PostgreSQL.
 */
class CompromisedKeysUpgradeTest {

    private static final String REVOKED_KEY = "a".repeat(64);
    private static final String EXPOSED_KEY_1 = "b".repeat(64);
    private static final String EXPOSED_KEY_2 = "c".repeat(64);

    @Test
    void anH2DatabaseKeepsWhatItKnewOfCompromisedKeys() throws Exception {
        String url = "jdbc:h2:mem:upgrade-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        assertThat(upgrade(url, "sa", "")).containsExactly(
                REVOKED_KEY + " REVOKED certificate 0A1B revoked for keyCompromise",
                EXPOSED_KEY_1 + " EXPOSED private key found in mail CR-2026-000002",
                EXPOSED_KEY_2 + " EXPOSED private key found in mail CR-2026-000002");
    }

    @Test
    void aPostgresqlDatabaseKeepsWhatItKnewOfCompromisedKeys() throws Exception {
        try (TestPostgres database = TestPostgres.create("certdesk_upgrade", "the compromised-key upgrade on PostgreSQL")) {
            assertThat(upgrade(database.url(), database.user(), database.password())).hasSize(3)
                    .contains(EXPOSED_KEY_2 + " EXPOSED private key found in mail CR-2026-000002");
        }
    }

    private static List<String> upgrade(String url, String user, String password) throws Exception {
        flyway(url, user, password).target("17").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("insert into issued_certificate (serial, environment, request_reference, organization_id, subject, public_key_sha256, "
                    + "not_before, not_after, status, certificate_pem, issued_at, revoked_at, revocation_reason) values ('0A1B', 'qa', "
                    + "'CR-2026-000001', 'acme-42', 'CN=acme-42', '" + REVOKED_KEY + "', current_timestamp, current_timestamp, 'REVOKED', "
                    + "'-', current_timestamp, current_timestamp, 'keyCompromise')");
            s.execute("insert into certificate_request (id, reference, created_at, status, exposed_key_hashes) values (2, 'CR-2026-000002', "
                    + "current_timestamp, 'PRIVATE_KEY_EXPOSED', '" + EXPOSED_KEY_1 + "," + EXPOSED_KEY_2 + "," + REVOKED_KEY + "')");
            s.execute("insert into certificate_request (id, reference, created_at, status, exposed_key_hashes) values (3, 'CR-2026-000003', "
                    + "current_timestamp, 'AWAITING_APPROVAL', '')");
        }
        flyway(url, user, password).load().migrate();
        List<String> known = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("select public_key_sha256, kind, source from compromised_key order by public_key_sha256")) {
            while (rows.next()) {
                known.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
            }
        }
        return known;
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url, String user, String password) {
        return Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration")
                .table("certdesk_schema_history").baselineOnMigrate(true).baselineVersion("0");
    }
}
