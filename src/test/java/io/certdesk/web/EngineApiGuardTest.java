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
                Arguments.of("POST", "/engine-rest", "/filter", null, "{\"query\":{\"followUpBeforeExpression\":\"${x}\"}}", 400),
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
                Arguments.of("PUT", "/engine-rest", "/task/1/localVariables/trustRequestId//", null, "{\"value\":4}", 403),
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
                Arguments.of("GET", "/camunda/api/admin", "/setup/default/user/create", null, null, 403));
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
