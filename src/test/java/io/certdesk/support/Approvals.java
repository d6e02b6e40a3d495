package io.certdesk.support;

import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.Group;

/** Completes a task as a logged-in user would: certdesk records the authenticated user as who decided. */
public final class Approvals {

    private Approvals() {
    }

    public static void complete(IdentityService identity, TaskService tasks, String user, String taskId, Map<String, Object> variables) {
        List<String> groups = identity.createGroupQuery().groupMember(user).list().stream()
                .map(Group::getId).toList();
        identity.setAuthentication(user, groups);
        try {
            tasks.complete(taskId, variables);
        } finally {
            identity.clearAuthentication();
        }
    }

    public static void complete(StandaloneCertdesk certdesk, String user, String taskId, Map<String, Object> variables) {
        complete(certdesk.bean(IdentityService.class), certdesk.bean(TaskService.class), user, taskId, variables);
    }
}
