package io.certdesk.request;

import io.certdesk.config.CertdeskProperties;
import org.springframework.stereotype.Component;

/**
 * The Camunda group that decides requests and when its tasks are due, for the models'
 * {@code candidateGroups="${approverGroup.name}"}, {@code dueDate="${approverGroup.due}"} and
 * {@code followUpDate="${approverGroup.followUp}"}.
 */
@Component("approverGroup")
public class ApproverGroup {

    private final String name;
    private final java.time.Duration due;
    private final java.time.Duration followUp;

    public ApproverGroup(CertdeskProperties properties) {
        this.name = properties.approvers().group();
        this.due = properties.approvers().decisionDue();
        this.followUp = properties.approvers().followUp();
    }

    public java.util.Date getDue() {
        return java.util.Date.from(org.camunda.bpm.engine.impl.util.ClockUtil.getCurrentTime().toInstant().plus(due));
    }

    public java.util.Date getFollowUp() {
        return java.util.Date.from(org.camunda.bpm.engine.impl.util.ClockUtil.getCurrentTime().toInstant().plus(followUp));
    }

    public String getName() {
        return name;
    }
}
