package io.certdesk.inventory;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Locks on public keys, held until the transaction that took them ends. Signing a key and recording it as
 * compromised both take the key's lock before they look at what the other writes: whichever comes second sees what
 * the first committed, so a certificate signed while its key is revoked for keyCompromise on another node is either
 * refused or found and revoked, never missed by both.
 *
 * <p>On PostgreSQL a lock is a transaction-level advisory lock, shared by every node on the database. H2 is one
 * node's embedded database, and its locks are that process's own.
 */
@Component
public class KeyLocks {

    /** Longer than any signing or revocation takes; a transaction that waits this long fails and its job is retried. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final boolean postgres;
    private final ReentrantLock[] stripes = new ReentrantLock[4096];

    private final Duration wait;

    @Autowired
    public KeyLocks(JdbcClient jdbc, DataSource dataSource) throws MetaDataAccessException {
        this(jdbc, dataSource, WAIT);
    }

    KeyLocks(JdbcClient jdbc, DataSource dataSource, Duration wait) throws MetaDataAccessException {
        this.jdbc = jdbc;
        this.wait = wait;
        this.postgres = JdbcUtils.extractDatabaseMetaData(dataSource, meta -> meta.getDatabaseProductName())
                .toLowerCase(Locale.ROOT).contains("postgres");
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Takes the lock of each of these keys (SHA-256 hex, e.g. {@code PublicKeyHashes.keyId}), in one order for every
     * caller, and holds them until the current transaction commits or rolls back.
     *
     * @throws IllegalStateException outside a transaction; IllegalStateException or a DataAccessException (PostgreSQL's
     *         lock timeout, which ends the transaction) when a lock is not had within {@link #WAIT}
     */
    public void lock(Collection<String> keyHashes) {
        if (!TransactionSynchronizationManager.isActualTransactionActive() || !TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("a key lock lasts until its transaction ends, and no transaction is active");
        }
        TreeSet<Long> ids = new TreeSet<>();
        for (String hash : keyHashes) {
            if (hash == null || !hash.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("not a key's SHA-256: " + hash);
            }
            ids.add(Long.parseUnsignedLong(hash.substring(0, 16), 16));
        }
        if (postgres) {
            // mostly free at once; else waited for as long as the other transaction runs, up to the limit (PostgreSQL
            // ends a deadlock sooner by failing one of them)
            for (long id : ids) {
                if (!jdbc.sql("select pg_try_advisory_xact_lock(?)").param(id).query(Boolean.class).single()) {
                    String limit = jdbc.sql("select current_setting('lock_timeout')").query(String.class).single();
                    jdbc.sql("select set_config('lock_timeout', ?, true)").param(wait.toMillis() + "ms").query(String.class).single();
                    jdbc.sql("select pg_advisory_xact_lock(?)").param(id).query().listOfRows();
                    jdbc.sql("select set_config('lock_timeout', ?, true)").param(limit).query(String.class).single();
                }
            }
            return;
        }
        TreeSet<Integer> indexes = new TreeSet<>();
        ids.forEach(id -> indexes.add((int) (id & (stripes.length - 1))));
        for (int index : indexes) {
            ReentrantLock stripe = stripes[index];
            try {
                if (!stripe.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("a key's lock was not had within " + wait.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a key's lock", e);
            }
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    stripe.unlock();
                }
            });
        }
    }
}
