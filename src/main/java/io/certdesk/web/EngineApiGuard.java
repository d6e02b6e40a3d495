package io.certdesk.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import io.certdesk.request.Quoted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * certdesk's edge in front of Camunda's REST API ({@code /engine-rest/*}) and the webapps' copy of it
 * ({@code /camunda/api/*}). The engine is treated as hostile ground: whatever a logged-in user can send it is
 * checked here before the engine sees it.
 * <ul>
 *   <li>Query expressions ({@code assigneeExpression}, the same inside {@code orQueries} or a filter's stored
 *   query, any parameter or JSON field whose name holds "expression") are refused: the engine would evaluate
 *   them as JUEL in the JVM that holds the CA keys.</li>
 *   <li>What a task completion may write is limited to the decision variables of certdesk's forms: who decided
 *   and what the request is about are certdesk's records, never variables a caller sends.</li>
 *   <li>Deployments (BPMN with scripts or expressions) are refused: certdesk deploys its processes from
 *   {@code bpmn/} at start.</li>
 *   <li>The webapps' first-admin setup is refused: certdesk creates its administrator from configuration.</li>
 * </ul>
 * Refusals are HTTP 400/403 with a JSON body that says why.
 */
public class EngineApiGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(EngineApiGuard.class);

    /** The variables an approver's decision may set, on any of certdesk's user tasks. */
    public static final Set<String> DECISION_VARIABLES = Set.of(
            "approved", "rejectionReason", "firstApproved", "secondApproved", "reviewNote");

    /** Larger JSON bodies are not something the Tasklist or an approver's script sends. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int MAX_JSON_DEPTH = 32;

    /** /task/{id}/complete, /submit-form, /resolve, /variables..., /localVariables..., /bpmnError, /bpmnEscalation. */
    private static final Pattern TASK_WRITE = Pattern.compile(
            ".*/task/[^/]+/(complete|submit-form|resolve|variables|localVariables|bpmnError|bpmnEscalation)(/.*)?");

    private static final Pattern TASK_VARIABLE_PATH = Pattern.compile(".*/task/[^/]+/(variables|localVariables)/([^/]+)(/data)?");
    private static final Pattern DEPLOYMENT_WRITE = Pattern.compile(".*/deployment/(create|[^/]+/redeploy)/?");
    private static final Pattern SETUP = Pattern.compile("/camunda/api/admin/setup(/.*)?");
    /** Starting a process through the API: the variables of the Tasklist's start forms only. */
    private static final Pattern PROCESS_START = Pattern.compile(
            ".*/process-definition/(key/[^/]+(/tenant-id/[^/]+)?|[^/]+)/(start|submit-form)/?");
    /** A task's own fields (name, description, dates) and the ways to end it without a decision. */
    private static final Pattern TASK_CLOSED = Pattern.compile(
            "(/engine-rest(/engine/[^/]+)?|/camunda/api/engine/engine/[^/]+)/task/(?!count$)[^/]+(/(bpmnError|bpmnEscalation))?");
    /** Jumps past a model's checks (modification, restart, migration) and rewrites of a running process's variables. */
    private static final Pattern PROCESS_REWRITE = Pattern.compile(".*/(process-instance/([^/]+/)?modification(-async)?"
            + "|process-definition/[^/]+/restart(-async)?|migration/.*"
            + "|process-instance/[^/]+/variables(/.*)?|process-instance/variables-async|execution/[^/]+/localVariables(/.*)?"
            + "|execution/[^/]+/(signal|messageSubscriptions/.*)|external-task/[^/]+/(complete|bpmnError)|signal|message|condition)");

    /**
     * A task's variables written on their own, outside its completion: a decision is made by completing the task,
     * and a variable set beforehand (a task-local one above all) could stand for a decision the decider never saw.
     */
    private static final Pattern TASK_VARIABLE_WRITE = Pattern.compile(".*/task/[^/]+/(variables|localVariables)(/.*)?");
    /**
     * Who may decide: users, groups, memberships, passwords and authorizations come from certdesk's configuration,
     * so that no administrator can make a second identity and decide twice.
     */
    private static final Pattern IDENTITY_WRITE = Pattern.compile(".*/(user/create|user/[^/]+/(credentials|profile)"
            + "|group/create|group/[^/]+/members(/.*)?|group/[^/]+|authorization/create|authorization/[^/]+|tenant(/.*)?)");

    /** Where the engine's resources begin: its REST API, for the default or a named engine, and the webapps' copy. */
    private static final String ENGINE = "(/engine-rest(/engine/[^/]+)?|/camunda/api/engine/engine/[^/]+)/";
    /** Queries sent as POST with their criteria in the body: they read, they change nothing. */
    private static final Pattern QUERY = Pattern.compile(ENGINE + "((task|process-instance|execution|variable-instance|job"
            + "|job-definition|external-task|incident)(/count)?"
            + "|history/(process-instance|activity-instance|task|variable-instance|detail|incident|job-log|decision-instance"
            + "|batch|external-task-log|identity-link-log|user-operation|case-instance|case-activity-instance)(/count)?"
            + "|filter/[^/]+/(list|count|singleResult))");
    /**
     * Every change the API may make, by method: deciding a task (claim, hand it to someone, complete it, comment on
     * it), starting a process from its start form, the Tasklist's filters, and what an operator does about a failed job
     * (retry it, annotate its incident). Everything else that writes (deleting, suspending or modifying processes,
     * definitions, deployments, jobs or history, identity links, delegation, telemetry, ...) is closed, for
     * administrators too: the engine's own authorization lets an administrator do all of it.
     */
    private static final Map<String, Pattern> WRITES = Map.of(
            "POST", Pattern.compile(ENGINE + "(task/[^/]+/(claim|unclaim|assignee|complete|submit-form|comment/create)"
                    + "|process-definition/(key/[^/]+(/tenant-id/[^/]+)?|[^/]+)/(start|submit-form)"
                    + "|filter/create|job/retries)"
                    + "|/camunda/api/admin/auth/user/[^/]+/(login/[^/]+|logout)|/camunda/api/cockpit/plugin/.*"),
            "PUT", Pattern.compile(ENGINE + "(filter/[^/]+|job/[^/]+/retries|incident/[^/]+/annotation)"),
            "DELETE", Pattern.compile(ENGINE + "(filter/[^/]+|incident/[^/]+/annotation)"));

    /** Retrying failed jobs: one job, or a list of jobs by id. */
    private static final Pattern JOB_RETRIES = Pattern.compile(ENGINE + "job/([^/]+/)?retries");
    private static final DateTimeFormatter ENGINE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /**
     * Why a retry is not what an operator retrying a failed job sends, or null: at least one retry (0 stops a job),
     * due now or soon (a date far ahead parks it), and for several jobs their ids only (a job query reaches every job).
     */
    static String retriesProblem(JsonNode body, boolean several, Instant now) {
        if (!body.isObject() || !body.path("retries").canConvertToInt() || body.path("retries").asInt() < 1) {
            return "A retry sets 'retries' to 1 or more: 0 would stop the job";
        }
        JsonNode due = body.get("dueDate");
        if (due != null && !due.isNull()) {
            try {
                if (OffsetDateTime.parse(due.asText(), ENGINE_DATE).toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
                    return "A retry is due now: a 'dueDate' later than five minutes from now would hold the job back";
                }
            } catch (DateTimeParseException e) {
                return "'dueDate' is not a date like 2026-01-31T12:00:00.000+0000";
            }
        }
        if (several) {
            Iterator<String> fields = body.fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                if (!Set.of("jobIds", "retries", "dueDate").contains(field)) {
                    return "Retrying several jobs names them in 'jobIds', not by '" + field + "'";
                }
            }
        }
        return null;
    }

    /** Methods that read: the engine answers them without changing anything. */
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    /** Whether a request may reach the engine at all: any read, a query, or one of the allowed changes. */
    static boolean allowed(String method, String path) {
        if (READS.contains(method)) {
            return true;
        }
        if (method.equals("POST") && QUERY.matcher(path).matches()) {
            return true;
        }
        Pattern writes = WRITES.get(method);
        return writes != null && writes.matcher(path).matches();
    }

    /** The variables of the start forms in bpmn/ (the Tasklist's "Start process"). */
    public static final Set<String> START_VARIABLES = Set.of("certificate", "reason", "environment", "overlapDays");

    private final ObjectMapper json;

    public EngineApiGuard() {
        this.json = new ObjectMapper();
        this.json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build());
        this.json.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the path as the API's router sees it: decoded, without path parameters, slashes given as %2F included
        String path = normalized(urlDecode(request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo())));
        String method = request.getMethod().toUpperCase(Locale.ROOT);

        if (!plainPath(request.getRequestURI())) {
            // the servlet container, the webapps' login filter and the API's router each read such a path their own
            // way: "/camunda/api/engine;x/default/user" reached the engine without a login
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "The path holds a ';' path parameter, an encoded "
                    + "slash, backslash, dot or percent sign, or an empty or dot segment: use the plain path");
            return;
        }

        if (SETUP.matcher(path).matches()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN,
                    "The first-admin setup is closed: certdesk creates its administrator from configuration");
            return;
        }
        if (!method.equals("GET") && TASK_CLOSED.matcher(path).matches()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "Changing a task itself, or ending it with a BPMN "
                    + "error or escalation, is closed: a task ends with its decision");
            return;
        }
        if (!method.equals("GET") && PROCESS_REWRITE.matcher(path).matches()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "Process modification, restart, migration and "
                    + "variable rewrites are closed: certdesk's processes move only through their own steps");
            return;
        }
        if (!method.equals("GET") && TASK_VARIABLE_WRITE.matcher(path).matches()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "A task's variables are set only by completing it "
                    + "(complete or submit-form) with its decision, never on their own");
            return;
        }
        if (!method.equals("GET") && IDENTITY_WRITE.matcher(path).matches()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "Users, groups, memberships, passwords and "
                    + "authorizations come from certdesk's configuration; they are not changed through the API");
            return;
        }
        if (!method.equals("GET") && DEPLOYMENT_WRITE.matcher(path).matches()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN,
                    "Deployments are closed: certdesk deploys its processes from bpmn/ at start");
            return;
        }
        if (!allowed(method, path)) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, method + " " + Quoted.shown(path, 200) + " is closed: through the API, "
                    + "tasks are claimed, assigned, commented on and decided, processes started from their start form, filters "
                    + "kept and failed jobs retried; certdesk's processes change only through their own steps");
            return;
        }
        Optional<String> badParameter = expressionParameter(request.getQueryString());
        if (badParameter.isPresent()) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "Query expressions are not accepted: parameter '"
                    + badParameter.get() + "'");
            return;
        }
        Optional<String> badVariable = TASK_VARIABLE_PATH.matcher(path).matches() && !method.equals("GET")
                ? Optional.of(urlDecode(variableNameIn(path))).filter(name -> !DECISION_VARIABLES.contains(name))
                : Optional.empty();
        if (badVariable.isPresent()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "A task may set only the decision variables "
                    + DECISION_VARIABLES + ", not '" + badVariable.get() + "'");
            return;
        }
        if (isMultipartOrForm(request)) {
            chain.doFilter(request, response);
            return;
        }
        String charset = request.getCharacterEncoding();
        if (charset != null && !charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("US-ASCII")) {
            refuse(request, response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Send JSON in UTF-8, not " + charset);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            refuse(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "The request body is over " + MAX_BODY_BYTES + " bytes");
            return;
        }
        if (!isBlank(body)) {
            JsonNode tree;
            try {
                tree = json.readTree(body);
            } catch (IOException notJson) {
                refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "The request body is not valid JSON");
                return;
            }
            Optional<String> badField = expressionField(tree, "");
            if (badField.isPresent()) {
                refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "Query expressions are not accepted: field '"
                        + badField.get() + "'");
                return;
            }
            if (PROCESS_START.matcher(path).matches()) {
                Optional<String> foreign = foreignVariable(tree, START_VARIABLES);
                if (foreign.isEmpty() && (tree.has("startInstructions") || tree.has("skipCustomListeners") || tree.has("skipIoMappings"))) {
                    foreign = Optional.of("startInstructions");
                }
                if (foreign.isPresent()) {
                    refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "A process starts with its start form's fields "
                            + START_VARIABLES + " only, not '" + foreign.get() + "'");
                    return;
                }
            }
            if (JOB_RETRIES.matcher(path).matches()) {
                String problem = retriesProblem(tree, path.endsWith("/job/retries"), Instant.now());
                if (problem != null) {
                    refuse(request, response, HttpServletResponse.SC_FORBIDDEN, problem);
                    return;
                }
            }
            if (TASK_WRITE.matcher(path).matches()) {
                Optional<String> foreign = foreignVariable(tree, DECISION_VARIABLES);
                if (foreign.isPresent()) {
                    refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "A task may set only the decision variables "
                            + DECISION_VARIABLES + ", not '" + foreign.get() + "'");
                    return;
                }
            }
        }
        chain.doFilter(new CachedBody(request, body), response);
    }

    private static final Pattern NOT_PLAIN = Pattern.compile("(?i).*(;|%2f|%5c|%2e|%25|\\\\|//|/\\./|/\\.\\./|/\\.{1,2}$).*");

    /**
     * Whether the request's path, as sent, is plain: no path parameters, no encoded separators or dots, no empty or
     * dot segments, so that every component reads the same path.
     */
    static boolean plainPath(String requestUri) {
        return requestUri != null && !NOT_PLAIN.matcher(requestUri).matches();
    }

    /**
     * The path with repeated slashes merged and trailing ones removed: the API's router treats {@code /x/} and
     * {@code /x} alike, so the guard must too.
     */
    static String normalized(String path) {
        String merged = path.replaceAll("/{2,}", "/");
        return merged.length() > 1 ? merged.replaceAll("/+$", "") : merged;
    }

    /** The first query parameter whose (decoded) name mentions an expression. */
    static Optional<String> expressionParameter(String queryString) {
        if (queryString == null || queryString.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : queryString.split("&")) {
            String name = urlDecode(pair.split("=", 2)[0]);
            if (mentionsExpression(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** The path of the first JSON object key, at any depth, that mentions an expression. */
    static Optional<String> expressionField(JsonNode node, String path) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String here = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (mentionsExpression(field.getKey())) {
                    return Optional.of(here);
                }
                Optional<String> nested = expressionField(field.getValue(), here);
                if (nested.isPresent()) {
                    return nested;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> nested = expressionField(node.get(i), path + "[" + i + "]");
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return Optional.empty();
    }

    /** A variable in a task write's body ({@code variables}, {@code modifications}, {@code deletions}) that is not a decision. */
    static Optional<String> foreignVariable(JsonNode body, Set<String> allowed) {
        for (String container : new String[] {"variables", "modifications"}) {
            JsonNode variables = body.get(container);
            if (variables != null && variables.isObject()) {
                Iterator<String> names = variables.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    if (!allowed.contains(name)) {
                        return Optional.of(name);
                    }
                }
            }
        }
        JsonNode deletions = body.get("deletions");
        if (deletions != null && deletions.isArray()) {
            for (JsonNode name : deletions) {
                if (!allowed.contains(name.asText())) {
                    return Optional.of(name.asText());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean mentionsExpression(String name) {
        return name.toLowerCase(Locale.ROOT).contains("expression");
    }

    private static String variableNameIn(String path) {
        var matcher = TASK_VARIABLE_PATH.matcher(path);
        return matcher.matches() ? matcher.group(2) : "";
    }

    private static String urlDecode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return value;
        }
    }

    private static boolean isMultipartOrForm(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.startsWith("multipart/") || lower.startsWith("application/x-www-form-urlencoded");
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, int status, String reason) throws IOException {
        String user = request.getRemoteUser();
        log.warn("EngineApiRefused: {} {} from {}{}: {}", request.getMethod(), request.getRequestURI(), request.getRemoteAddr(),
                user == null ? "" : " (" + user + ")", reason);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json.createObjectNode().put("type", "CertdeskGuard").put("message", reason).toString());
    }

    /** The request with its body read once and served again to the engine. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    try {
                        return in.available() == 0;
                    } catch (IOException e) {
                        return true;
                    }
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }

                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
