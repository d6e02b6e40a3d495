package io.certdesk.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPostgres;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A database from before compromised keys had a table of their own, upgraded: keys revoked for keyCompromise and
 * private keys found in mails earlier are known as compromised afterwards, on H2 and on PostgreSQL; an RSA key revoked
 * with an odd exponent is known by its modulus with 65537 too, and every certificate by its key's id.
 */
class CompromisedKeysUpgradeTest {

    private static final String REVOKED_KEY = "a".repeat(64);
    private static final String EXPOSED_KEY_1 = "b".repeat(64);
    private static final String EXPOSED_KEY_2 = "c".repeat(64);
    /** An RSA key with the exponent 3, revoked for keyCompromise, and the key of its modulus with 65537. */
    private static final KeyPair ODD_EXPONENT = TestCsrs.rsaWithExponent(TestCsrs.rsa(2048), 3);
    private static final String ODD_EXPONENT_KEY = Fingerprints.sha256Hex(ODD_EXPONENT.getPublic().getEncoded());
    private static final String SAME_MODULUS_KEY = sameModulusWithExponent65537(ODD_EXPONENT);

    @Test
    void anH2DatabaseKeepsWhatItKnewOfCompromisedKeys() throws Exception {
        String url = "jdbc:h2:mem:upgrade-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Upgraded upgraded = upgrade(url, "sa", "");
        assertThat(upgraded.keyIds()).as("each certificate known by its key id; an unreadable one by the hash it had")
                .containsEntry("0C3D", SAME_MODULUS_KEY).containsEntry("0A1B", REVOKED_KEY);
        assertThat(upgraded.compromised()).contains(
                REVOKED_KEY + " REVOKED certificate 0A1B revoked for keyCompromise",
                EXPOSED_KEY_1 + " EXPOSED private key found in mail CR-2026-000002",
                EXPOSED_KEY_2 + " EXPOSED private key found in mail CR-2026-000002",
                ODD_EXPONENT_KEY + " REVOKED certificate 0C3D revoked for keyCompromise",
                SAME_MODULUS_KEY + " REVOKED certificate 0C3D revoked for keyCompromise")
                .as("both keys with parameters NULL and absent").hasSize(7);
    }

    @Test
    void aPostgresqlDatabaseKeepsWhatItKnewOfCompromisedKeys() throws Exception {
        try (TestPostgres database = TestPostgres.create("certdesk_upgrade", "the compromised-key upgrade on PostgreSQL")) {
            Upgraded upgraded = upgrade(database.url(), database.user(), database.password());
            assertThat(upgraded.keyIds()).containsEntry("0C3D", SAME_MODULUS_KEY).containsEntry("0A1B", REVOKED_KEY);
            assertThat(upgraded.compromised()).hasSize(7)
                    .contains(EXPOSED_KEY_2 + " EXPOSED private key found in mail CR-2026-000002")
                    .contains(SAME_MODULUS_KEY + " REVOKED certificate 0C3D revoked for keyCompromise");
        }
    }

    private record Upgraded(List<String> compromised, Map<String, String> keyIds) {
    }

    private static Upgraded upgrade(String url, String user, String password) throws Exception {
        flyway(url, user, password).target("17").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("insert into issued_certificate (serial, environment, request_reference, organization_id, subject, public_key_sha256, "
                    + "not_before, not_after, status, certificate_pem, issued_at, revoked_at, revocation_reason) values ('0A1B', 'qa', "
                    + "'CR-2026-000001', 'acme-42', 'CN=acme-42', '" + REVOKED_KEY + "', current_timestamp, current_timestamp, 'REVOKED', "
                    + "'-', current_timestamp, current_timestamp, 'keyCompromise')");
            s.execute("insert into issued_certificate (serial, environment, request_reference, organization_id, subject, public_key_sha256, "
                    + "not_before, not_after, status, certificate_pem, issued_at, revoked_at, revocation_reason) values ('0C3D', 'qa', "
                    + "'CR-2026-000004', 'acme-43', 'CN=acme-43', '" + ODD_EXPONENT_KEY + "', current_timestamp, current_timestamp, 'REVOKED', "
                    + "'" + certificatePem(ODD_EXPONENT) + "', current_timestamp, current_timestamp, 'keyCompromise')");
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
        Map<String, String> keyIds = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("select serial, key_id from issued_certificate")) {
            while (rows.next()) {
                keyIds.put(rows.getString(1), rows.getString(2));
            }
        }
        return new Upgraded(known, keyIds);
    }

    private static String sameModulusWithExponent65537(KeyPair keys) {
        BigInteger modulus = ((RSAPublicKey) keys.getPublic()).getModulus();
        try {
            return Fingerprints.sha256Hex(KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(modulus, BigInteger.valueOf(65537))).getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate of the key, as old as any: who signed it does not matter to the upgrade. */
    private static String certificatePem(KeyPair keys) {
        try {
            KeyPair issuer = TestCsrs.ec("secp384r1");
            Instant now = Instant.now();
            X509CertificateHolder certificate = new JcaX509v3CertificateBuilder(new X500Name("CN=old qa CA"), BigInteger.valueOf(0x0C3D),
                    Date.from(now.minus(Duration.ofDays(30))), Date.from(now.plus(Duration.ofDays(300))), new X500Name("CN=acme-43"),
                    keys.getPublic()).build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuer.getPrivate()));
            return Pem.encode(new JcaX509CertificateConverter().getCertificate(certificate));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url, String user, String password) {
        return Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration")
                .table("certdesk_schema_history").baselineOnMigrate(true).baselineVersion("0");
    }
}
