package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.certdesk.support.EmbeddedCertdeskTest;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every user task of every deployed process opens one of certdesk's forms, deployed with the process, and
 * says in its description what it is about.
 */
class TaskFormsIT extends EmbeddedCertdeskTest {

    static final String PREFIX = "embedded:deployment:";

    @Autowired
    RepositoryService repository;

    @Test
    void everyUserTaskHasADeployedFormAndADescription() throws Exception {
        List<String> checked = new ArrayList<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().list()) {
            BpmnModelInstance model = repository.getBpmnModelInstance(definition.getId());
            for (UserTask task : model.getModelElementsByType(UserTask.class)) {
                String formKey = task.getCamundaFormKey();
                assertThat(formKey).as(task.getId() + " form key").startsWith(PREFIX + "bpmn/forms/");
                try (InputStream form = repository.getResourceAsStream(definition.getDeploymentId(), formKey.substring(PREFIX.length()))) {
                    String html = new String(form.readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(html).as(formKey).startsWith("<form role=\"form\"").contains("cam-script");
                }
                assertThat(task.getDocumentations()).as(task.getId() + " description").hasSize(1);
                assertThat(task.getName()).as(task.getId() + " name").contains("${");
                checked.add(task.getId());
            }
        }
        assertThat(checked).contains("UserTask_ApproveRequest", "UserTask_ReviewExposedKey", "UserTask_FirstTrustApproval",
                "UserTask_SecondTrustApproval", "UserTask_ApproveRevocation", "UserTask_ReviewExpiredCertificate");
    }
}
