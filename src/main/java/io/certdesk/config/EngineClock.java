package io.certdesk.config;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * certdesk's clock is the process engine's: timers, reminders, validity and revocation times read the same
 * time. The process tests move it with {@code ClockUtil.setCurrentTime} on their own engine; the integration tests
 * move only certdesk's reading of it (their {@code MovableClock}), so the shared engine's timers stay put.
 */
public final class EngineClock extends Clock {

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return ClockUtil.getCurrentTime().toInstant();
    }
}
