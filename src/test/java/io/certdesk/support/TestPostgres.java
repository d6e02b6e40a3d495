package io.certdesk.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL database of one test's own, created on the server at {@code CERTDESK_TEST_PG_URL} (default
 * 127.0.0.1:5432, user postgres) and dropped when closed. Without a reachable server the test is skipped with a
 * message, except in CI, where it fails.
 */
public final class TestPostgres implements AutoCloseable {

    static final String ADMIN_URL = System.getenv().getOrDefault("CERTDESK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = System.getenv().getOrDefault("CERTDESK_TEST_PG_USER", "postgres");
    static final String PASSWORD = System.getenv().getOrDefault("CERTDESK_TEST_PG_PASSWORD", "");

    private final String name;

    private TestPostgres(String name) {
        this.name = name;
    }

    /** A new database named {@code <prefix>_<random>}; {@code what} says in the skip message which test needs it. */
    public static TestPostgres create(String prefix, String what) throws SQLException {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException unreachable) {
            if (System.getenv("CI") != null) {
                throw unreachable;
            }
            Assumptions.abort("PostgreSQL is not reachable at " + ADMIN_URL + ": set CERTDESK_TEST_PG_URL to run " + what);
        }
        return new TestPostgres(name);
    }

    public String url() {
        return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** certdesk's datasource settings for this database. */
    public void configure(Map<String, Object> properties) {
        properties.put("spring.datasource.url", url());
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", PASSWORD);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        }
    }
}
