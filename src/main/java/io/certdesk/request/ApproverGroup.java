package io.certdesk.request;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;

import io.certdesk.config.CertdeskProperties;
import org.springframework.stereotype.Component;

/**
 * The Camunda group that decides requests and when its tasks are due, for the models'
 * {@code candidateGroups="${approverGroup.name}"}, {@code dueDate="${approverGroup.due}"} and
 * {@code followUpDate="${approverGroup.followUp}"}. Due and follow-up dates count from certdesk's clock (the
 * engine's), so they move with the engine's timers.
 */
@Component("approverGroup")
public class ApproverGroup {

    private final String name;
    private final Duration due;
    private final Duration followUp;
    private final Clock clock;

    public ApproverGroup(CertdeskProperties properties, Clock clock) {
        this.name = properties.approvers().group();
        this.due = properties.approvers().decisionDue();
        this.followUp = properties.approvers().followUp();
        this.clock = clock;
    }

    public Date getDue() {
        return Date.from(clock.instant().plus(due));
    }

    public Date getFollowUp() {
        return Date.from(clock.instant().plus(followUp));
    }

    public String getName() {
        return name;
    }
}
