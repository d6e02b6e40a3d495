package io.certdesk.rollover;

import java.time.Duration;
import java.util.Date;

import io.certdesk.config.CertdeskProperties;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/**
 * The Camunda group that approves CA rollovers and when its tasks are due, for the model's
 * {@code candidateGroups="${rolloverApprovers.group}"}, {@code dueDate="${rolloverApprovers.due}"} and
 * {@code followUpDate="${rolloverApprovers.followUp}"}.
 */
@Component("rolloverApprovers")
public class RolloverApprovers {

    private final String group;
    private final Duration due;

    public RolloverApprovers(CertdeskProperties properties) {
        this.group = properties.caRollover().approverGroup();
        this.due = properties.caRollover().decisionDue();
    }

    public String getGroup() {
        return group;
    }

    public Date getDue() {
        return Date.from(ClockUtil.getCurrentTime().toInstant().plus(due));
    }

    public Date getFollowUp() {
        return Date.from(ClockUtil.getCurrentTime().toInstant().plus(due.dividedBy(2)));
    }
}
