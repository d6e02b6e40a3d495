package io.certdesk.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.certdesk.inventory.CertificateInventory;
import io.certdesk.lifecycle.ExpiryReminders;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Reminder due-selection over an inventory of 100,000 certificates, on H2 and (when reachable) PostgreSQL:
 * scheduling the reminders, then selecting what is due at a moment when about a day's worth is due and at one
 * when nothing is. Run with {@code mvn -Pbench verify}.
 */
public final class LifecycleBenchmark {

    static final int CERTIFICATES = 100_000;

    private LifecycleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run("H2 (in memory)", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1", "sa", "", null);
        String pg = System.getenv().getOrDefault("CERTDESK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String database = "certdesk_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(pg, "postgres", "")) {
            try (Statement s = admin.createStatement()) {
                s.execute("create database " + database);
            }
            try {
                run("PostgreSQL", pg.substring(0, pg.lastIndexOf('/') + 1) + database, "postgres", "", database);
            } finally {
                try (Statement s = admin.createStatement()) {
                    s.execute("drop database if exists " + database + " with (force)");
                }
            }
        } catch (SQLException unreachable) {
            System.out.println("PostgreSQL reminder benchmark skipped: " + unreachable.getMessage());
        }
    }

    private static void run(String label, String url, String user, String password, String database) {
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, user, password, true);
        Flyway.configure().dataSource(dataSource).table("certdesk_schema_history").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Instant now = Instant.parse("2026-11-23T00:00:00Z");
        List<Object[]> certificates = new ArrayList<>(CERTIFICATES);
        List<Object[]> reminders = new ArrayList<>(CERTIFICATES * 4);
        for (int i = 0; i < CERTIFICATES; i++) {
            String serial = String.format("%032X", i + 1L);
            Instant notAfter = now.plus(Duration.ofMinutes(5 + (long) i * 365 * 24 * 60 / CERTIFICATES));
            certificates.add(new Object[]{serial, "qa", "CR-BENCH-" + i, "org-" + (i % 5000), "CN=org-" + i, "0".repeat(64), "0".repeat(64),
                    Timestamp.from(now.minus(Duration.ofDays(1))), Timestamp.from(notAfter), "ACTIVE", "-", Timestamp.from(now)});
            for (int days : new int[]{30, 14, 7, 1}) {
                reminders.add(new Object[]{serial, days, Timestamp.from(notAfter.minus(Duration.ofDays(days)))});
            }
        }
        long start = System.nanoTime();
        jdbc.batchUpdate("insert into issued_certificate (serial, environment, request_reference, organization_id, subject, "
                + "public_key_sha256, key_id, not_before, not_after, status, certificate_pem, issued_at) values (?,?,?,?,?,?,?,?,?,?,?,?)", certificates);
        double insertMs = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        jdbc.batchUpdate("insert into expiry_reminder (serial, days_before, due_at) values (?, ?, ?)", reminders);
        double scheduleMs = (System.nanoTime() - start) / 1e6;
        if (database != null) {
            jdbc.execute("analyze");
        }
        ExpiryReminders due = new ExpiryReminders(JdbcClient.create(dataSource));
        CertificateInventory inventory = new CertificateInventory(JdbcClient.create(dataSource));
        System.out.printf(Locale.ROOT, "%s: inventory of %,d certificates inserted in %.0f ms; %,d reminders scheduled in %.0f ms (%,.0f per second)%n",
                label, CERTIFICATES, insertMs, reminders.size(), scheduleMs, reminders.size() / (scheduleMs / 1000));
        Instant oneDayDue = now.plus(Duration.ofDays(1));
        Instant nothingDue = now.minus(Duration.ofDays(1));
        for (int i = 0; i < 5; i++) {
            due.due(oneDayDue, 1000);
            inventory.findExpired(nothingDue, 1000);
        }
        int rounds = 50;
        start = System.nanoTime();
        int found = 0;
        for (int i = 0; i < rounds; i++) {
            found = due.due(oneDayDue, 1000).size();
        }
        double dayMs = (System.nanoTime() - start) / 1e6 / rounds;
        start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            due.due(nothingDue, 1000);
        }
        double noneMs = (System.nanoTime() - start) / 1e6 / rounds;
        start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            inventory.findExpired(nothingDue, 1000);
        }
        double expiredMs = (System.nanoTime() - start) / 1e6 / rounds;
        dataSource.destroy();
        System.out.printf(Locale.ROOT, "%s: reminder due-selection over %,d certificates: %.2f ms with %d due, %.2f ms with none due; "
                + "expiry selection: %.2f ms%n", label, CERTIFICATES, dayMs, found, noneMs, expiredMs);
    }
}
