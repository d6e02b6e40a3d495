package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the edge in front of the engine's APIs lets through, request by request (mode-independent: it has no settings). */
class EngineApiGuardTest {

    static Stream<Arguments> requests() {
        return Stream.of(
                // method, servlet path, path info, query, body, expected status (200 = passed on to the engine)
                Arguments.of("GET", "/engine-rest", "/task", "candidateGroup=approvers", null, 200),
                Arguments.of("GET", "/engine-rest", "/task", "assigneeExpression=%24%7Bx%7D", null, 400),
                Arguments.of("GET", "/engine-rest", "/task", "assignee%45xpression=x", null, 400),
                Arguments.of("GET", "/engine-rest", "/task/count", "dueBeforeExpression=x", null, 400),
                Arguments.of("POST", "/engine-rest", "/task", null, "{\"orQueries\":[{\"candidateGroup\":\"approvers\"}]}", 200),
                Arguments.of("POST", "/engine-rest", "/task", null, "{\"orQueries\":[{\"assigneeExpression\":\"${x}\"}]}", 400),
                Arguments.of("POST", "/engine-rest", "/task", null, "{\"a\":{\"b\":[{\"c\":{\"ownerExpression\":1}}]}}", 400),
                Arguments.of("POST", "/engine-rest", "/filter/create", null, "{\"query\":{\"followUpBeforeExpression\":\"${x}\"}}", 400),
                Arguments.of("POST", "/engine-rest", "/task", null, "{not json", 400),
                Arguments.of("POST", "/camunda/api/engine", "/engine/default/task", null, "{\"candidateUserExpression\":\"${x}\"}", 400),
                Arguments.of("POST", "/engine-rest", "/task/1/complete", null, "{\"variables\":{\"approved\":{\"value\":true}}}", 200),
                Arguments.of("POST", "/engine-rest", "/task/1/complete", null, "{\"variables\":{\"requestId\":{\"value\":2}}}", 403),
                Arguments.of("POST", "/engine-rest", "/task/1/submit-form", null, "{\"variables\":{\"firstApprover\":{\"value\":\"x\"}}}", 403),
                Arguments.of("POST", "/engine-rest", "/task/1/variables", null, "{\"modifications\":{\"serial\":{\"value\":\"x\"}}}", 403),
                Arguments.of("PUT", "/engine-rest", "/task/1/variables/decidedBy", null, "{\"value\":\"x\"}", 403),
                Arguments.of("PUT", "/engine-rest", "/task/1/localVariables/approved", null, "{\"value\":true}", 403),
                Arguments.of("PUT", "/engine-rest", "/task/1/variables/secondApproved", null, "{\"value\":true}", 403),
                Arguments.of("POST", "/engine-rest", "/task/1/localVariables", null, "{\"modifications\":{\"approved\":{\"value\":false}}}", 403),
                Arguments.of("POST", "/engine-rest", "/user/create", null, "{\"profile\":{\"id\":\"a2\"},\"credentials\":{\"password\":\"x\"}}", 403),
                Arguments.of("PUT", "/engine-rest", "/user/grace/credentials", null, "{\"password\":\"new\",\"authenticatedUserPassword\":\"x\"}", 403),
                Arguments.of("PUT", "/engine-rest", "/group/camunda-admin/members/a2", null, null, 403),
                Arguments.of("POST", "/engine-rest", "/authorization/create", null, "{\"type\":1}", 403),
                Arguments.of("POST", "/camunda/api/engine", "/engine/default/user/create", null, "{\"profile\":{\"id\":\"a2\"}}", 403),
                Arguments.of("GET", "/engine-rest", "/user", null, null, 200),
                Arguments.of("POST", "/engine-rest", "/process-definition/key/certificateRevocation/submit-form", null,
                        "{\"variables\":{\"certificate\":{\"value\":\"AB\"},\"reason\":{\"value\":\"superseded\"}}}", 200),
                Arguments.of("POST", "/engine-rest", "/process-definition/key/certificateRevocation/start", null,
                        "{\"variables\":{\"source\":{\"value\":\"SYSTEM\"}}}", 403),
                Arguments.of("POST", "/engine-rest", "/process-definition/key/certificateOnboarding/start", null,
                        "{\"startInstructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_SignCertificate\"}]}", 403),
                Arguments.of("POST", "/engine-rest", "/process-instance/1/modification", null, "{}", 403),
                Arguments.of("PUT", "/engine-rest", "/process-instance/1/variables/requestId", null, "{\"value\":1}", 403),
                Arguments.of("PUT", "/engine-rest", "/task/1/variables/requestId/", null, "{\"value\":1}", 403),
                Arguments.of("PUT", "/engine-rest", "/task/1/localVariables/trustRequestId//", null, "{\"value\":4}", 400),
                Arguments.of("PUT", "/camunda/api/engine", "/engine/default/task/1/variables/serial/", null, "{\"value\":\"AB\"}", 403),
                Arguments.of("POST", "/engine-rest", "/task/1/bpmnError", null, "{\"errorCode\":\"x\"}", 403),
                Arguments.of("PUT", "/engine-rest", "/task/1", null, "{\"name\":\"x\"}", 403),
                Arguments.of("POST", "/engine-rest", "/task/count", null, "{\"candidateGroup\":\"approvers\"}", 200),
                Arguments.of("POST", "/engine-rest", "/task/1/claim", null, "{\"userId\":\"approver\"}", 200),
                Arguments.of("POST", "/engine-rest", "/history/task/count", null, "{}", 200),
                Arguments.of("POST", "/engine-rest", "/process-instance/variables-async", null, "{}", 403),
                Arguments.of("POST", "/engine-rest", "/execution/1/signal", null, "{}", 403),
                Arguments.of("POST", "/engine-rest", "/message", null, "{}", 403),
                Arguments.of("POST", "/engine-rest", "/deployment/create", null, null, 403),
                Arguments.of("POST", "/camunda/api/admin", "/setup/default/user/create", null, "{}", 403),
                Arguments.of("GET", "/camunda/api/admin", "/setup/default/user/create", null, null, 403),
                // writes are allowed by name: deciding tasks, starting from a start form, filters, retrying failed jobs
                Arguments.of("POST", "/engine-rest", "/modification/execute", null, "{}", 403),
                Arguments.of("POST", "/camunda/api/engine", "/engine/default/modification/executeAsync", null, "{}", 403),
                Arguments.of("POST", "/engine-rest", "/engine/default/modification/execute", null, "{}", 403),
                Arguments.of("DELETE", "/engine-rest", "/deployment/1", "cascade=true", null, 403),
                Arguments.of("DELETE", "/engine-rest", "/history/process-instance/1", null, null, 403),
                Arguments.of("POST", "/engine-rest", "/history/process-instance/delete", null, "{}", 403),
                Arguments.of("POST", "/engine-rest", "/history/cleanup", null, null, 403),
                Arguments.of("PUT", "/engine-rest", "/process-definition/1/history-time-to-live", null, "{\"historyTimeToLive\":0}", 403),
                Arguments.of("PUT", "/engine-rest", "/process-definition/key/certificateOnboarding/suspended", null, "{\"suspended\":true}", 403),
                Arguments.of("PUT", "/engine-rest", "/job-definition/1/suspended", null, "{\"suspended\":true}", 403),
                Arguments.of("DELETE", "/engine-rest", "/process-instance/1", null, null, 403),
                Arguments.of("POST", "/engine-rest", "/job/1/execute", null, null, 403),
                Arguments.of("PUT", "/engine-rest", "/job/1/duedate", null, "{\"duedate\":\"2099-01-01T00:00:00.000+0000\"}", 403),
                Arguments.of("DELETE", "/engine-rest", "/job/1", null, null, 403),
                Arguments.of("POST", "/engine-rest", "/task/1/resolve", null, "{\"variables\":{\"approved\":{\"value\":true}}}", 403),
                Arguments.of("POST", "/engine-rest", "/task/1/delegate", null, "{\"userId\":\"approver\"}", 403),
                Arguments.of("POST", "/engine-rest", "/task/1/identity-links/delete", null, "{\"groupId\":\"approvers\",\"type\":\"candidate\"}", 403),
                Arguments.of("POST", "/engine-rest", "/task/create", null, "{\"id\":\"x\"}", 403),
                Arguments.of("PATCH", "/engine-rest", "/task/1", null, "{}", 403),
                Arguments.of("POST", "/engine-rest", "/telemetry/configuration", null, "{\"enableTelemetry\":true}", 403),
                Arguments.of("POST", "/engine-rest", "/process-instance", null, "{\"businessKey\":\"CR-1\"}", 200),
                Arguments.of("POST", "/engine-rest", "/history/process-instance/count", null, "{}", 200),
                Arguments.of("POST", "/camunda/api/engine", "/engine/default/filter/1/list", "firstResult=0", "{}", 200),
                Arguments.of("POST", "/engine-rest", "/task/1/unclaim", null, null, 200),
                Arguments.of("POST", "/engine-rest", "/task/1/assignee", null, "{\"userId\":\"approver\"}", 200),
                Arguments.of("POST", "/engine-rest", "/task/1/comment/create", null, "{\"message\":\"called them\"}", 200),
                Arguments.of("PUT", "/engine-rest", "/job/1/retries", null, "{\"retries\":1}", 200),
                Arguments.of("PUT", "/engine-rest", "/job/1/retries", null, "{\"retries\":0}", 403),
                Arguments.of("PUT", "/engine-rest", "/job/1/retries", null, "{\"retries\":3,\"dueDate\":\"2099-01-01T00:00:00.000+0000\"}", 403),
                Arguments.of("PUT", "/engine-rest", "/job/1/retries", null, "{\"retries\":1,\"dueDate\":null}", 200),
                Arguments.of("POST", "/engine-rest", "/job/retries", null, "{\"jobIds\":[\"1\"],\"retries\":1}", 200),
                Arguments.of("POST", "/engine-rest", "/job/retries", null, "{\"jobQuery\":{},\"retries\":1}", 403),
                Arguments.of("POST", "/camunda/api/admin", "/auth/user/default/login/tasklist", null, null, 200),
                Arguments.of("HEAD", "/engine-rest", "/task", null, null, 200));
    }

    static Stream<Arguments> rawPaths() {
        return Stream.of(
                // as sent, and the servlet path and path info the container made of it
                Arguments.of("/camunda/api/engine;engine/default/user", "/camunda/api/engine", "/default/user", 400),
                Arguments.of("/camunda/api/cockpit;plugin/base/default/process-definition/statistics-count", "/camunda/api",
                        "/cockpit/base/default/process-definition/statistics-count", 400),
                Arguments.of("/engine-rest;x/process-definition/count", "/engine-rest", "/process-definition/count", 400),
                Arguments.of("/engine-rest/task%2Fcount", "/engine-rest", "/task/count", 400),
                Arguments.of("/engine-rest/task/%2e%2e/user", "/engine-rest", "/user", 400),
                Arguments.of("/engine-rest/task/./count", "/engine-rest", "/task/count", 400),
                Arguments.of("/engine-rest/task\\count", "/engine-rest", "/task/count", 400),
                Arguments.of("/engine-rest/task/count", "/engine-rest", "/task/count", 200),
                Arguments.of("/camunda/api/engine/engine/default/user", "/camunda/api/engine", "/engine/default/user", 200));
    }

    @ParameterizedTest(name = "GET {0} -> {3}")
    @MethodSource("rawPaths")
    void refusesPathsThatComponentsReadDifferently(String uri, String servletPath, String pathInfo, int expected) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setServletPath(servletPath);
        request.setPathInfo(pathInfo);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new EngineApiGuard().doFilter(request, response, chain);
        if (expected == 200) {
            assertThat(chain.getRequest()).as(response.getContentAsString()).isNotNull();
        } else {
            assertThat(chain.getRequest()).isNull();
            assertThat(response.getStatus()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} {1}{2}?{3} {4} -> {5}")
    @MethodSource("requests")
    void refusesWhatWouldLetTheEngineEvaluateOrSkipItsChecks(String method, String servletPath, String pathInfo, String query,
                                                              String body, int expected) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, servletPath + pathInfo);
        request.setServletPath(servletPath);
        request.setPathInfo(pathInfo);
        request.setQueryString(query);
        if (body != null) {
            request.setContentType("application/json");
            request.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new EngineApiGuard().doFilter(request, response, chain);
        if (expected == 200) {
            assertThat(chain.getRequest()).as(response.getContentAsString()).isNotNull();
            if (body != null) {
                assertThat(chain.getRequest().getInputStream().readAllBytes()).as("the engine reads the same body")
                        .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            assertThat(chain.getRequest()).isNull();
            assertThat(response.getStatus()).isEqualTo(expected);
            assertThat(response.getContentAsString()).contains("\"message\"");
        }
    }
}
