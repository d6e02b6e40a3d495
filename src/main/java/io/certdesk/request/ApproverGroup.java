package io.certdesk.request;

import io.certdesk.config.CertdeskProperties;
import org.springframework.stereotype.Component;

/** The Camunda group that decides requests, for the model's {@code candidateGroups="${approverGroup.name}"}. */
@Component("approverGroup")
public class ApproverGroup {

    private final String name;

    public ApproverGroup(CertdeskProperties properties) {
        this.name = properties.approvers().group();
    }

    public String getName() {
        return name;
    }
}
