package io.certdesk.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import io.certdesk.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A key's lock keeps a second transaction (another thread, or on PostgreSQL another node) waiting until the first
 * has committed, and no longer; other keys do not wait.
 */
class KeyLocksTest {

    private static final String KEY = "ab".repeat(32);
    private static final String OTHER_KEY = "cd".repeat(32);

    @Test
    void onH2ASecondTransactionWaitsForTheFirstToCommit() throws Exception {
        holdsUntilCommit(new DriverManagerDataSource("jdbc:h2:mem:locks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""));
    }

    @Test
    void onPostgresqlASecondTransactionWaitsForTheFirstToCommit() throws Exception {
        try (TestPostgres database = TestPostgres.create("certdesk_locks", "the key lock test on PostgreSQL")) {
            holdsUntilCommit(new DriverManagerDataSource(database.url(), database.user(), database.password()));
        }
    }

    @Test
    void onH2ALockHeldTooLongFailsTheTransactionThatWaits() throws Exception {
        failsAfterTheWait(new DriverManagerDataSource("jdbc:h2:mem:locks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""));
    }

    @Test
    void onPostgresqlALockHeldTooLongFailsTheTransactionThatWaits() throws Exception {
        try (TestPostgres database = TestPostgres.create("certdesk_locks", "the key lock test on PostgreSQL")) {
            failsAfterTheWait(new DriverManagerDataSource(database.url(), database.user(), database.password()));
        }
    }

    /** A holder that never lets go (a stuck transaction) costs a waiting job its transaction, after the wait only. */
    private static void failsAfterTheWait(DataSource dataSource) throws Exception {
        KeyLocks locks = new KeyLocks(JdbcClient.create(dataSource), dataSource, Duration.ofMillis(500));
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
                locks.lock(List.of(KEY));
                held.countDown();
                await(release);
            }), threads);
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            assertThatThrownBy(() -> transaction.executeWithoutResult(status -> locks.lock(List.of(KEY))))
                    .isInstanceOfAny(IllegalStateException.class, DataAccessException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            // the limit was for the key's lock only: the next transaction takes it at once and runs as before
            transaction.executeWithoutResult(status -> locks.lock(List.of(KEY)));
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aLockIsOnlyTakenInsideATransaction() throws Exception {
        DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:locks-" + UUID.randomUUID(), "sa", "");
        KeyLocks locks = new KeyLocks(JdbcClient.create(dataSource), dataSource);
        assertThatThrownBy(() -> locks.lock(List.of(KEY))).hasMessageContaining("no transaction");
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> locks.lock(List.of("not a hash"))))
                .hasMessageContaining("not a key's SHA-256");
    }

    private static void holdsUntilCommit(DataSource dataSource) throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            holdsUntilCommit(dataSource, threads);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void holdsUntilCommit(DataSource dataSource, ExecutorService threads) throws Exception {
        KeyLocks locks = new KeyLocks(JdbcClient.create(dataSource), dataSource);
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
            locks.lock(List.of(KEY));
            held.countDown();
            await(release);
        }), threads);
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> locks.lock(List.of(KEY))), threads);
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> locks.lock(List.of(OTHER_KEY))), threads);
        other.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> second.get(1, TimeUnit.SECONDS)).as("the same key waits").isInstanceOf(TimeoutException.class);

        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        // released at commit: taken again at once
        CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> locks.lock(List.of(KEY))), threads).get(10, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
