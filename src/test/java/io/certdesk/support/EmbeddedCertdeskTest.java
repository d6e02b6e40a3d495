package io.certdesk.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngines;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * certdesk as it runs by default (H2 file database, embedded GreenMail, development CAs), on free ports and a
 * fresh data directory; the qa CA is EC P-384 and the production CA RSA 4096. One context serves every
 * subclass; each test uses its own sender addresses and organization ids. A test that needs certdesk's "now" later or
 * earlier moves {@link #clock} (and resets it), not the engine's clock, whose move would fire every test's timers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(MovableClock.InContext.class)
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
public abstract class EmbeddedCertdeskTest {

    protected static final Path DATA_DIR;
    protected static final int SMTP_PORT = Ports.free();
    protected static final int IMAP_PORT = Ports.free();
    protected static final int MTLS_PORT = Ports.free();
    protected static final int MTLS_PRODUCTION_PORT = Ports.free();
    protected static final int EST_PORT = Ports.free();
    protected static final int EST_PRODUCTION_PORT = Ports.free();
    protected static final Mailbox MAILBOX = new Mailbox("127.0.0.1", SMTP_PORT, IMAP_PORT);
    protected static final Duration WAIT = Duration.ofSeconds(30);
    /** The receiving mail server whose Authentication-Results header certdesk believes. */
    protected static final String TRUSTED_MX = "mx.certdesk.test";
    /** Where overdue tasks are escalated to. */
    protected static final String ESCALATIONS = "escalations@certdesk.test";
    private static final Pattern REFERENCE = Pattern.compile("CR-\\d{4}-\\d{6}");

    static {
        try {
            DATA_DIR = Files.createTempDirectory("certdesk-test-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.walk(DATA_DIR)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary directory left behind
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void embeddedDefaults(DynamicPropertyRegistry registry) {
        registry.add("certdesk.data-dir", DATA_DIR::toString);
        registry.add("certdesk.embedded-mail.smtp-port", () -> SMTP_PORT);
        registry.add("certdesk.embedded-mail.imap-port", () -> IMAP_PORT);
        registry.add("certdesk.mtls.ports.qa", () -> MTLS_PORT);
        registry.add("certdesk.mtls.ports.production", () -> MTLS_PRODUCTION_PORT);
        registry.add("certdesk.est.ports.qa", () -> EST_PORT);
        registry.add("certdesk.est.ports.production", () -> EST_PRODUCTION_PORT);
        registry.add("certdesk.intake.poll-interval", () -> "250ms");
        registry.add("certdesk.environments.qa.ca-key-type", () -> "EC_P384");
        // every test's senders share the domain acme.test; the per-address limit still applies as configured
        registry.add("certdesk.auto-replies.max-per-domain", () -> 100_000);
        // DKIM keys as DNS would publish them (tests have no DNS), and the receiving server whose results are believed
        registry.add("certdesk.mail-authentication.dns-lookups", () -> false);
        registry.add("certdesk.mail-authentication.dkim-keys[" + TestDkim.recordName() + "]", TestDkim::record);
        registry.add("certdesk.mail-authentication.trusted-authserv-id", () -> TRUSTED_MX);
        registry.add("certdesk.notifications.escalation-address", () -> ESCALATIONS);
        registry.add("certdesk.notifications.poll-interval", () -> "250ms");
        registry.add("camunda.bpm.job-execution.wait-time-in-millis", () -> "100");
        registry.add("camunda.bpm.job-execution.max-wait", () -> "300");
    }

    @Autowired
    protected ProcessEngine engine;
    @Autowired
    protected RuntimeService runtime;
    @Autowired
    protected TaskService tasks;
    @Autowired
    protected HistoryService history;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected TestRestTemplate http;
    @Autowired
    protected IdentityService identity;
    @Autowired
    protected MovableClock clock;

    /** Another member of the approvers group, {@code <id>-secret} as password, made once per context. */
    protected void approverUser(String id) {
        if (identity.createUserQuery().userId(id).count() == 0) {
            User user = identity.newUser(id);
            user.setPassword(id + "-secret");
            identity.saveUser(user);
            identity.createMembership(id, "approvers");
        }
    }

    /** Completes {@code taskId} as the logged-in {@code user}. */
    protected void decide(String user, String taskId, Map<String, Object> variables) {
        Approvals.complete(identity, tasks, user, taskId, variables);
    }

    @AfterEach
    void resetCertdeskClock() {
        clock.reset();
    }

    @BeforeEach
    void initAssertions() {
        BpmnAwareTests.init(engine);
        Webapps.restore();
        // other tests start and stop whole certdesk instances in this JVM; a stopped engine of theirs may have
        // taken this one's name out of Camunda's static registry, which the REST API looks engines up in
        if (ProcessEngines.getProcessEngine(engine.getName()) != engine) {
            ProcessEngines.registerProcessEngine(engine);
        }
    }

    /** A fresh address so that each test reads only its own replies. */
    protected static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
    }

    protected static String referenceIn(String subject) {
        Matcher matcher = REFERENCE.matcher(subject);
        if (!matcher.find()) {
            throw new AssertionError("no request reference in \"" + subject + "\"");
        }
        return matcher.group();
    }

    protected ProcessInstance processOf(String reference) {
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(reference).singleResult();
    }

    protected Task awaitTask(String reference, String taskKey) throws InterruptedException {
        return Polling.until(WAIT, Duration.ofMillis(100),
                () -> tasks.createTaskQuery().processInstanceBusinessKey(reference).taskDefinitionKey(taskKey).list(),
                found -> !found.isEmpty(), none -> new AssertionError("no task " + taskKey + " for " + reference + " within " + WAIT))
                .get(0);
    }

    protected void awaitEnded(String reference, String endEventId) throws InterruptedException {
        Polling.until(WAIT, Duration.ofMillis(100), () -> history.createHistoricActivityInstanceQuery().activityId(endEventId)
                        .processInstanceId(historicId(reference)).count() > 0,
                () -> new AssertionError(reference + " did not reach " + endEventId + " within " + WAIT));
    }

    private String historicId(String reference) {
        var instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(reference).singleResult();
        return instance == null ? "none" : instance.getId();
    }

    /** A certificate issued through the whole mail path: its request reference, serial and PEM. */
    public record Issued(String reference, String serial, String certificatePem, String contact) {
    }

    protected Issued onboard(String organizationId, String environment, KeyPair keys) throws Exception {
        return onboardSignedAgo(organizationId, environment, keys, Duration.ZERO);
    }

    /**
     * {@link #onboard}, with the request approved and its certificate signed and delivered while certdesk's clock
     * stands {@code ago} back: the certificate's validity, its expiry reminders and its records are as if it had been
     * issued then. The engine's clock stays, and the clock moves only once the approval task exists, so that the
     * task's reminder and escalation timers are set for dates ahead, not long past.
     */
    protected Issued onboardSignedAgo(String organizationId, String environment, KeyPair keys, Duration ago) throws Exception {
        String contact = address(organizationId);
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: " + environment + "\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId, keys)).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(contact).subject());
        Task approval = awaitTask(reference, "UserTask_ApproveRequest");
        Mailbox.Received delivery;
        clock.moveBy(ago.negated());
        try {
            decide("approver", approval.getId(), Map.of("approved", true));
            delivery = MAILBOX.await(contact, 2, WAIT).get(1);
            awaitEnded(reference, "EndEvent_CertificateDelivered");
        } finally {
            clock.moveBy(ago);
        }
        String serial = jdbc.sql("select serial from issued_certificate where request_reference = ?").param(reference)
                .query(String.class).single();
        return new Issued(reference, serial, delivery.attachmentText("client-cert.pem"), contact);
    }

    /** What the approval form of {@code task} shows: the JSON of its {@code approvalFacts} variable. */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> approvalFacts(Task task) {
        try {
            return new ObjectMapper().readValue((String) tasks.getVariable(task.getId(), "approvalFacts"),
                    Map.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("approvalFacts is not JSON", e);
        }
    }

    protected long processCount(String reference) {
        return history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(reference).count();
    }
}
