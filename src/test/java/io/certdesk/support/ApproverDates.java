package io.certdesk.support;

import java.time.Duration;
import java.util.Date;

import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * Stands in for the beans that give user tasks their group, due date and follow-up date in the process tests:
 * {@code approverGroup} ({@code ${approverGroup.name}}, {@code .due}, {@code .followUp}) and
 * {@code rolloverApprovers} ({@code ${rolloverApprovers.group}}, {@code .due}, {@code .followUp}). Like those
 * beans it reads the engine clock, so the timers a task gets are due the given time after it was created.
 */
public final class ApproverDates {

    public static final String GROUP = "certdesk-approvers";
    /** certdesk's defaults: decision due after 2 days, follow-up after 1. */
    public static final Duration DUE = Duration.ofDays(2);
    public static final Duration FOLLOW_UP = Duration.ofDays(1);

    public String getName() {
        return GROUP;
    }

    public String getGroup() {
        return GROUP;
    }

    public Date getDue() {
        return Date.from(ClockUtil.getCurrentTime().toInstant().plus(DUE));
    }

    public Date getFollowUp() {
        return Date.from(ClockUtil.getCurrentTime().toInstant().plus(FOLLOW_UP));
    }
}
