package io.certdesk.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.certdesk.authority.RevocationReason;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two nodes on one PostgreSQL database whose clocks disagree: every CRL either node serves has a number at least
 * as high as any CRL served before, and a newer CRL a strictly higher one.
 */
class CrlAcrossNodesIT {


    @TempDir
    Path data;
    @TempDir
    Path work;
    TestPostgres database;
    GreenMail mail;

    @BeforeEach
    void setUp() throws SQLException {
        database = TestPostgres.create("certdesk_crl", "the two-node test");
        mail = new GreenMail(new ServerSetup[]{new ServerSetup(Ports.free(), "127.0.0.1", "smtp"),
                new ServerSetup(Ports.free(), "127.0.0.1", "imap")})
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
    }

    @AfterEach
    void tearDown() throws SQLException {
        if (mail != null) {
            mail.stop();
        }
        if (database != null) {
            database.close();
        }
    }

    private Map<String, Object> node(String name) {
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(data, 0, 0);
        p.put("camunda.bpm.process-engine-name", name);
        database.configure(p);
        p.put("certdesk.embedded-mail.enabled", false);
        p.put("spring.mail.port", mail.getSmtp().getPort());
        p.put("certdesk.intake.port", mail.getImap().getPort());
        return p;
    }

    @Test
    void crlsFetchedAlternatelyFromTwoNodesWithClocksGoingBackHaveGrowingNumbers() throws Exception {
        try (StandaloneCertdesk one = StandaloneCertdesk.start(node("crl-node-one"));
             StandaloneCertdesk two = StandaloneCertdesk.start(node("crl-node-two"))) {
            StandaloneCertdesk[] nodes = {one, two};
            JdbcClient jdbc = one.bean(JdbcClient.class);
            Instant start = Instant.now();
            BigInteger last = crlNumber(one);
            for (int round = 1; round <= 6; round++) {
                StandaloneCertdesk signer = nodes[round % 2];
                StandaloneCertdesk other = nodes[(round + 1) % 2];
                // each round both nodes' clocks are ten minutes further back, as a node with a slow clock would see it
                for (StandaloneCertdesk node : nodes) {
                    node.clock().moveTo(start.minus(Duration.ofMinutes(10L * round)));
                }
                String serial = insertCertificate(jdbc, round);
                assertThat(signer.bean(RevocationService.class).revoke(serial, RevocationReason.CESSATION_OF_OPERATION, "test")).isTrue();

                BigInteger newer = crlNumber(signer);
                assertThat(newer).as("round %d: the CRL listing one more revocation", round).isGreaterThan(last);
                assertThat(crlNumber(other)).as("round %d: the other node serves no lower number", round).isEqualTo(newer);
                assertThat(crlNumber(signer)).as("round %d: nor does the first node when asked again", round).isEqualTo(newer);
                last = newer;
            }
        }
    }

    /** A certificate in the inventory, as signing would record it; its contents do not matter to the CRL (a keyCompromise revocation would read its key). */
    private static String insertCertificate(JdbcClient jdbc, int round) {
        String serial = SerialNumbers.hex(SerialNumbers.next());
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("insert into issued_certificate (serial, environment, request_reference, organization_id, subject, public_key_sha256, "
                        + "key_id, not_before, not_after, status, certificate_pem, issued_at) values (?, 'qa', ?, 'crl-nodes', 'CN=crl-nodes', ?, ?, ?, ?, "
                        + "'ACTIVE', 'not kept', ?)")
                .params(serial, "CR-2026-9" + String.format("%05d", round), "0".repeat(64), "0".repeat(64), now,
                        Timestamp.from(Instant.now().plus(Duration.ofDays(365))), now)
                .update();
        return serial;
    }

    private BigInteger crlNumber(StandaloneCertdesk node) throws Exception {
        String port = node.bean(Environment.class).getProperty("local.server.port");
        HttpResponse<byte[]> crl = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pki/qa/crl"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(crl.statusCode()).isEqualTo(200);
        return CrlNumbersIT.crlNumber(work, crl.body());
    }
}
