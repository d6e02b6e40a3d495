package io.certdesk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** The relay's health check under many callers and a relay that takes its time to answer. */
class RelayHealthTest {

    /** A relay that accepts and takes two seconds to answer each probe. */
    private static final class SlowRelay extends JavaMailSenderImpl {
        final AtomicInteger probes = new AtomicInteger();

        @Override
        public void testConnection() {
            probes.incrementAndGet();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void callersDuringASlowProbeAreAnsweredAtOnceAndTheRelayIsProbedOnce() throws Exception {
        SlowRelay relay = new SlowRelay();
        RelayHealth health = new RelayHealth(relay, Clock.systemUTC());
        ExecutorService callers = Executors.newFixedThreadPool(10);
        try {
            Future<Health> first = callers.submit(health::health);
            Thread.sleep(200);
            List<Future<Health>> others = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                others.add(callers.submit(health::health));
            }
            for (Future<Health> other : others) {
                // a web server thread must not queue behind the relay
                assertThat(other.get(500, TimeUnit.MILLISECONDS).getStatus()).isEqualTo(Status.UNKNOWN);
            }
            assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(Status.UP);
            // a probe that took its time is fresh when it ends, not stale at once
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(relay.probes.get()).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }
}
