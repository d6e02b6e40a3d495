package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Rest;
import io.certdesk.support.TestCsrs;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An approver (any logged-in Camunda user) tries to make the engine evaluate a JUEL expression, in the JVM that
 * holds the CA keys, through both API paths: {@code /engine-rest} with HTTP Basic and the webapps'
 * {@code /camunda/api/engine} with a Tasklist session. Every attempt is refused before the engine sees it.
 */
class EngineApiGuardIT extends EmbeddedCertdeskTest {

    /** Harmless when evaluated, which is exactly what must not happen. */
    static final String EXPRESSION = "${currentUser()}";

    @Autowired
    FilterService filters;

    private Rest restAsApprover() {
        return Rest.basic(http.getRootUri(), "approver", "approver");
    }

    private Rest webappAsApprover() throws Exception {
        return Rest.webappSession(http.getRootUri(), "approver", "approver");
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void restTaskQueryWithAnExpressionParameterIsRefused() throws Exception {
        Rest rest = restAsApprover();
        assertThat(rest.get("/engine-rest/task?candidateGroup=approvers").status()).as("a plain query still works").isEqualTo(200);

        Rest.Response get = rest.get("/engine-rest/task?assigneeExpression=" + encoded(EXPRESSION));
        assertThat(get.status()).isEqualTo(400);
        assertThat(get.body()).contains("Query expressions are not accepted").contains("assigneeExpression");
        // the name percent-encoded, as a tool might send it
        assertThat(rest.get("/engine-rest/task?%61ssignee%45xpression=" + encoded(EXPRESSION)).status()).isEqualTo(400);
        assertThat(rest.get("/engine-rest/task/count?candidateGroupExpression=" + encoded(EXPRESSION)).status()).isEqualTo(400);
    }

    @Test
    void restTaskQueryWithAnExpressionInsideOrQueriesIsRefused() throws Exception {
        Rest rest = restAsApprover();
        assertThat(rest.post("/engine-rest/task", "{\"orQueries\":[{\"candidateGroup\":\"approvers\"}]}").status())
                .as("orQueries without expressions still work").isEqualTo(200);

        Rest.Response post = rest.post("/engine-rest/task", "{\"orQueries\":[{\"assigneeExpression\":\"" + EXPRESSION + "\"}]}");
        assertThat(post.status()).isEqualTo(400);
        assertThat(post.body()).contains("orQueries[0].assigneeExpression");
        // a JSON escape in the field name does not hide it
        assertThat(rest.post("/engine-rest/task/count", "{\"orQueries\":[{\"assignee\\u0045xpression\":\"" + EXPRESSION + "\"}]}").status())
                .isEqualTo(400);
        assertThat(rest.send("POST", "/engine-rest/task", "{\"orQueries\":[{\"assigneeExpression\":\"" + EXPRESSION + "\"}]}",
                "application/json; charset=UTF-16").status()).as("a charset other than UTF-8").isEqualTo(415);
    }

    @Test
    void webappTaskQueryWithAnExpressionIsRefusedForALoggedInApprover() throws Exception {
        Rest tasklist = webappAsApprover();
        assertThat(tasklist.get("/camunda/api/engine/engine/default/task?candidateGroup=approvers").status()).isEqualTo(200);

        assertThat(tasklist.get("/camunda/api/engine/engine/default/task?candidateUserExpression=" + encoded(EXPRESSION)).status())
                .isEqualTo(400);
        Rest.Response post = tasklist.post("/camunda/api/engine/engine/default/task",
                "{\"orQueries\":[{\"candidateGroupExpression\":\"" + EXPRESSION + "\"}]}");
        assertThat(post.status()).isEqualTo(400);
        assertThat(post.body()).contains("candidateGroupExpression");
    }

    @Test
    void filtersCarryingExpressionsCanNeitherBeStoredNorEvaluated() throws Exception {
        Rest rest = restAsApprover();
        Rest.Response create = rest.post("/engine-rest/filter/create",
                "{\"resourceType\":\"Task\",\"name\":\"mine\",\"query\":{\"assigneeExpression\":\"" + EXPRESSION + "\"}}");
        assertThat(create.status()).isEqualTo(400);
        Rest.Response extend = rest.post("/engine-rest/filter/any/list", "{\"dueBeforeExpression\":\"${now()}\"}");
        assertThat(extend.status()).isEqualTo(400);

        // the engine no longer stores one ...
        Filter refused = filters.newTaskFilter("stored with an expression")
                .setQuery(tasks.createTaskQuery().taskAssigneeExpression(EXPRESSION));
        Assertions.assertThatThrownBy(() -> filters.saveFilter(refused))
                .hasMessageContaining("Expressions are forbidden in stored queries");
        // ... and one stored before (by an older certdesk) is not evaluated when an approver lists it
        var configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        configuration.setEnableExpressionsInStoredQueries(true);
        Filter stored = filters.newTaskFilter("stored with an expression")
                .setQuery(tasks.createTaskQuery().taskAssigneeExpression(EXPRESSION));
        try {
            filters.saveFilter(stored);
        } finally {
            configuration.setEnableExpressionsInStoredQueries(false);
        }
        try {
            Rest.Response listed = rest.get("/engine-rest/filter/" + stored.getId() + "/list");
            assertThat(listed.status()).as(listed.body()).isNotEqualTo(200);
            assertThat(listed.body()).containsIgnoringCase("expression");
        } finally {
            filters.deleteFilter(stored.getId());
        }
    }

    @Test
    void aPathParameterOrEncodedSeparatorGetsNoOneIntoTheEngineWithoutALogin() throws Exception {
        Rest anonymous = Rest.anonymous(http.getRootUri());
        assertThat(anonymous.get("/camunda/api/engine/engine/default/user").status()).as("the plain path").isEqualTo(401);
        for (String path : java.util.List.of("/camunda/api/engine;engine/default/user",
                "/camunda/api/engine;engine/default/history/variable-instance?variableName=approvalFacts",
                "/camunda/api/cockpit;plugin/base/default/process-definition/statistics-count",
                "/engine-rest;x/process-definition/count", "/engine-rest/user%2Fcount")) {
            Rest.Response answer = anonymous.get(path);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.body()).as(path).doesNotContain("approver").doesNotContain("approvalFacts\",");
        }
    }

    @Test
    void firstAdminSetupStaysClosedOnBothPaths() throws Exception {
        Rest anonymous = Rest.basic(http.getRootUri(), "nobody", "nothing");
        Rest.Response setup = anonymous.post("/camunda/api/admin/setup/default/user/create",
                "{\"profile\":{\"id\":\"intruder\",\"firstName\":\"I\",\"lastName\":\"N\",\"email\":\"i@n.test\"},"
                        + "\"credentials\":{\"password\":\"intruder-password\"}}");
        assertThat(setup.status()).isEqualTo(403);
        assertThat(identity.createUserQuery().userId("intruder").count()).isZero();
        assertThat(http.getForEntity("/camunda/app/admin/default/setup/", String.class).getBody())
                .as("the setup page has nothing to submit to").doesNotContain("intruder");
    }

    @Test
    void anAdministratorCannotMoveARevocationPastItsApprovalNorEraseItsHistory() throws Exception {
        Issued issued = onboard("guard-modification", "qa", TestCsrs.ec("secp384r1"));
        Rest admin = Rest.basic(http.getRootUri(), "admin", "admin");
        assertThat(admin.post("/admin/revocations", "{\"certificate\": \"" + issued.serial() + "\", \"reason\": \"superseded\"}")
                .status()).isEqualTo(202);
        Task approval = awaitTask(issued.serial(), "UserTask_ApproveRevocation");
        String instance = approval.getProcessInstanceId();
        // what Cockpit's batch modification sends: jump to the revoke step, drop the approval
        String skip = "{\"processDefinitionId\":\"" + approval.getProcessDefinitionId() + "\",\"processInstanceIds\":[\"" + instance
                + "\"],\"instructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_RevokeCertificate\"},"
                + "{\"type\":\"cancel\",\"activityId\":\"UserTask_ApproveRevocation\"}],\"skipCustomListeners\":true}";
        for (String path : List.of("/engine-rest/modification/execute", "/engine-rest/modification/executeAsync",
                "/engine-rest/engine/default/modification/execute")) {
            Rest.Response modified = admin.post(path, skip);
            assertThat(modified.status()).as(path).isEqualTo(403);
            assertThat(modified.body()).contains("is closed");
        }
        Rest cockpit = Rest.webappSession(http.getRootUri(), "admin", "admin");
        assertThat(cockpit.post("/camunda/api/engine/engine/default/modification/execute", skip).status()).isEqualTo(403);
        // nor suspend the approval's process, nor remove what happened from the history
        assertThat(admin.put("/engine-rest/process-instance/" + instance + "/suspended", "{\"suspended\":true}").status()).isEqualTo(403);
        assertThat(admin.send("DELETE", "/engine-rest/process-instance/" + instance, null, "application/json").status()).isEqualTo(403);
        assertThat(admin.send("DELETE", "/engine-rest/history/process-instance/" + instance, null, "application/json").status())
                .isEqualTo(403);
        // nor park or stop a job under the cover of a retry
        String job = engine.getManagementService().createJobQuery().timers().list().get(0).getId();
        assertThat(admin.put("/engine-rest/job/" + job + "/retries", "{\"retries\":3,\"dueDate\":\"2099-01-01T00:00:00.000+0000\"}")
                .status()).isEqualTo(403);
        assertThat(admin.post("/engine-rest/job/retries", "{\"jobIds\":[\"" + job + "\"],\"retries\":0}").status()).isEqualTo(403);
        assertThat(engine.getManagementService().createJobQuery().jobId(job).singleResult().getDuedate()).isBefore(new java.util.Date(
                System.currentTimeMillis() + 400L * 24 * 3600 * 1000));
        // an approver cannot hand the task to another group, nor write a decision without completing it
        Rest approver = restAsApprover();
        assertThat(approver.post("/engine-rest/task/" + approval.getId() + "/identity-links/delete",
                "{\"groupId\":\"approvers\",\"type\":\"candidate\"}").status()).isEqualTo(403);
        assertThat(approver.post("/engine-rest/task/" + approval.getId() + "/resolve",
                "{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}}}").status()).isEqualTo(403);

        Thread.sleep(1500);
        assertThat(tasks.createTaskQuery().processInstanceId(instance).taskDefinitionKey("UserTask_ApproveRevocation").count())
                .as("the revocation still waits for its approver").isEqualTo(1);
        assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance).active().count()).isEqualTo(1);
        assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(issued.serial()).query(String.class).single())
                .isEqualTo("ACTIVE");
        assertThat(engine.getRuntimeService().getVariable(instance, "approved")).isNull();
    }

    @Test
    void deploymentsAreRefusedEvenForTheAdministrator() throws Exception {
        Rest admin = Rest.basic(http.getRootUri(), "admin", "admin");
        String boundary = "b0undary";
        String bpmn = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" targetNamespace=\"x\">"
                + "<process id=\"intruder\" isExecutable=\"true\"><startEvent id=\"s\"/></process></definitions>";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nintruder\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"p.bpmn\"; filename=\"p.bpmn\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + boundary + "--\r\n";
        Rest.Response deploy = admin.send("POST", "/engine-rest/deployment/create", body, "multipart/form-data; boundary=" + boundary);
        assertThat(deploy.status()).isEqualTo(403);
        assertThat(admin.send("POST", "/engine-rest/deployment;x=y/create", body, "multipart/form-data; boundary=" + boundary).status())
                .isEqualTo(400);
        assertThat(engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey("intruder").count()).isZero();
    }
}
