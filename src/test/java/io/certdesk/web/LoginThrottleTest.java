package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

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
    private final LoginThrottle throttle = new LoginThrottle(new LoginSettings(3, Duration.ofMinutes(10)), clock);

    @Test
    void anAddressWaitsUntilItsOldestCountedFailureIsAWindowOld() {
        throttle.failed("192.0.2.7");
        clock.moveBy(Duration.ofMinutes(4));
        throttle.failed("192.0.2.7");
        assertThat(throttle.waitFor("192.0.2.7")).isNull();
        throttle.failed("192.0.2.7");
        assertThat(throttle.waitFor("192.0.2.7")).isEqualTo(Duration.ofMinutes(6));
        assertThat(throttle.waitFor("192.0.2.8")).as("another address").isNull();
        clock.moveBy(Duration.ofMinutes(6));
        assertThat(throttle.waitFor("192.0.2.7")).as("the first failure no longer counts").isNull();
        throttle.failed("192.0.2.7");
        assertThat(throttle.waitFor("192.0.2.7")).isEqualTo(Duration.ofMinutes(4));
    }

    @Test
    void anIpv6ClientCountsByItsNetworkAndAnIpv4ClientByItsAddress() {
        assertThat(LoginThrottle.client("2001:db8:1:2:aaaa::1")).isEqualTo(LoginThrottle.client("2001:db8:1:2:ffff:1:2:3"))
                .isNotEqualTo(LoginThrottle.client("2001:db8:1:3::1"));
        assertThat(LoginThrottle.client("192.0.2.7")).isNotEqualTo(LoginThrottle.client("192.0.2.8"));
    }
}
