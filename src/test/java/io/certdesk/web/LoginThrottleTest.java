package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** How long a client address waits after failed logins, and which addresses count as one client. */
class LoginThrottleTest {

    /** A clock that stands still until moved. */
    private static final class StoppedClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T09:00:00Z");

        void moveBy(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final StoppedClock clock = new StoppedClock();
    private final LoginThrottle throttle = new LoginThrottle(new LoginSettings(3, Duration.ofMinutes(10)), clock, new SimpleMeterRegistry());

    private void fails(String client) {
        assertThat(throttle.admit(client)).as("admitted").isNull();
        throttle.done(client, true);
    }

    @Test
    void anAddressWaitsUntilItsOldestCountedFailureIsAWindowOld() {
        fails("192.0.2.7");
        clock.moveBy(Duration.ofMinutes(4));
        fails("192.0.2.7");
        fails("192.0.2.7");
        assertThat(throttle.admit("192.0.2.7")).isEqualTo(Duration.ofMinutes(6));
        assertThat(throttle.admit("192.0.2.8")).as("another address").isNull();
        clock.moveBy(Duration.ofMinutes(6));
        assertThat(throttle.admit("192.0.2.7")).as("the first failure no longer counts").isNull();
        throttle.done("192.0.2.7", true);
        assertThat(throttle.admit("192.0.2.7")).isEqualTo(Duration.ofMinutes(4));
    }

    @Test
    void aLoginThatSucceededCostsNothing() {
        fails("192.0.2.9");
        fails("192.0.2.9");
        assertThat(throttle.admit("192.0.2.9")).isNull();
        throttle.done("192.0.2.9", false);
        assertThat(throttle.admit("192.0.2.9")).as("still one left").isNull();
    }

    @Test
    void loginsSentAllAtOnceGetNoMoreChecksThanTheLimit() throws Exception {
        // the passwords of logins sent at once were all checked before the first failure was counted
        int senders = 50;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger checked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<?>> logins = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            logins.add(pool.submit(() -> {
                start.await();
                if (throttle.admit("198.51.100.1") == null) {
                    checked.incrementAndGet();
                    Thread.sleep(50);
                    throttle.done("198.51.100.1", true);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> login : logins) {
            login.get();
        }
        pool.shutdown();
        assertThat(checked).hasValue(3);
        assertThat(throttle.admit("198.51.100.1")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anIpv6ClientCountsByItsNetworkAndAnIpv4ClientByItsAddress() {
        assertThat(LoginThrottle.client("2001:db8:1:2:aaaa::1")).isEqualTo(LoginThrottle.client("2001:db8:1:2:ffff:1:2:3"))
                .isNotEqualTo(LoginThrottle.client("2001:db8:1:3::1"));
        assertThat(LoginThrottle.client("192.0.2.7")).isNotEqualTo(LoginThrottle.client("192.0.2.8"));
    }
}
