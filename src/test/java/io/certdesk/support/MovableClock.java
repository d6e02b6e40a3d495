package io.certdesk.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.certdesk.config.EngineClock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * certdesk's clock in a test's context: the engine's clock, moved by an offset the test sets and resets. Moving it
 * brings certdesk's own dates due (expiry reminders, expiries, grace periods, responder certificates, digests)
 * without moving the engine's clock ({@code ClockUtil}), which is one per JVM and would fire every open timer of
 * every test in the context, and of every other context in the JVM. The engine's timers still run on the engine's
 * clock; a test that needs one of its own timers fires that job.
 */
public final class MovableClock extends Clock {

    private final Clock engine = new EngineClock();
    private volatile Duration offset = Duration.ZERO;

    /** From now on certdesk's clock reads {@code moment}, and runs on from there. */
    public void moveTo(Instant moment) {
        offset = Duration.between(engine.instant(), moment);
    }

    public void moveBy(Duration duration) {
        offset = offset.plus(duration);
    }

    /** certdesk's clock is the engine's again. */
    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return engine.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    /**
     * The clock as certdesk's {@link Clock} bean, ahead of the configured one. Imported or added as a source
     * explicitly (it has no stereotype, so certdesk's component scan never picks it up by itself).
     */
    public static class InContext {

        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }
}
