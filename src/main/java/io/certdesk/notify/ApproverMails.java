package io.certdesk.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.Quoted;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the mails {@link ApproverNotifications} holds, outside any engine transaction: a task's candidate group
 * hears of it at once, or in one digest per period when {@code certdesk.notifications.digest.<group>} is set;
 * reminders and escalations likewise. A task taken care of before its mail went out is not mailed. A mail that
 * fails is tried again a minute later; a process never waits for it. Several nodes share the work: each mail is
 * taken by one node at a time.
 */
@Component
public class ApproverMails implements SmartLifecycle {

    /**
     * The partner-trust approval's warnings, which its mail counts as WARNING findings. Every approval task names its
     * organization, environment and findings as onboarding does ({@link OnboardingProcess}); partner trust names its
     * warnings with this.
     */
    public static final String TRUST_WARNINGS = "trustWarnings";
    private static final Logger log = LoggerFactory.getLogger(ApproverMails.class);
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration RETRY = Duration.ofMinutes(1);
    /** Sent mails are kept this long, for looking up who was told what. */
    private static final Duration KEEP = Duration.ofDays(30);
    private final AtomicLong rounds = new AtomicLong();
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    static final String TASKLIST = "/camunda/app/tasklist/";

    private final ApproverNotifications notifications;
    private final Notifier notifier;
    private final TaskService tasks;
    private final RuntimeService runtime;
    private final JdbcClient jdbc;
    private final IdentityService identity;
    private final CertdeskProperties.Notifications settings;
    private final String publicUrl;
    private final Clock clock;
    private final String engineName;
    private final TransactionTemplate transactions;
    private final ObjectMapper json = new ObjectMapper();
    private ThreadPoolTaskScheduler scheduler;
    private volatile boolean running;

    public ApproverMails(ApproverNotifications notifications, Notifier notifier, TaskService tasks, RuntimeService runtime,
                         IdentityService identity, CertdeskProperties properties, Clock clock,
                         PlatformTransactionManager transactionManager, ProcessEngine engine, JdbcClient jdbc) {
        this.engineName = engine.getName();
        this.notifications = notifications;
        this.notifier = notifier;
        this.tasks = tasks;
        this.runtime = runtime;
        this.jdbc = jdbc;
        this.identity = identity;
        this.settings = properties.notifications();
        this.publicUrl = properties.publicUrl().replaceAll("/+$", "");
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @Override
    public void start() {
        running = true;
        if (!settings.enabled()) {
            log.info("Mail to approvers is off (certdesk.notifications.enabled=false)");
            return;
        }
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("approver-mail-");
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(this::sendQuietly, Instant.now().plusSeconds(1), settings.pollInterval());
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void sendQuietly() {
        try {
            sendDue();
        } catch (RuntimeException e) {
            log.warn("Mail to approvers not sent this round, tried again shortly: {}", e.toString());
        }
    }

    /** Sends what is due now: single mails at once, a group's digest when its oldest task waited a period. */
    public void sendDue() {
        if (rounds.incrementAndGet() % 10_000 == 1) {
            notifications.forgetSentBefore(KEEP);
        }
        Map<String, List<ApproverNotifications.Pending>> digests = new LinkedHashMap<>();
        for (ApproverNotifications.Pending pending : notifications.pending(500)) {
            Duration period = pending.groupId() == null ? null : settings.digestOf(pending.groupId());
            if (period != null && pending.kind() != ApproverNotifications.Kind.ESCALATION) {
                digests.computeIfAbsent(pending.groupId(), g -> new ArrayList<>()).add(pending);
            } else {
                sendOne(pending);
            }
        }
        Instant now = clock.instant();
        digests.forEach((group, waiting) -> {
            if (!waiting.get(0).createdAt().plus(settings.digestOf(group)).isAfter(now)) {
                sendDigest(group, waiting);
            }
        });
    }

    private void sendOne(ApproverNotifications.Pending pending) {
        if (!notifications.claim(pending.id(), LEASE)) {
            return;
        }
        try {
            notifications.done(pending.id(), switch (pending.kind()) {
                case TASK -> toGroup("approver-task", pending);
                case REMINDER -> toGroup("approver-reminder", pending);
                case ESCALATION -> escalate(pending);
                case STILL_LOOKING -> stillLooking(pending);
            });
        } catch (RuntimeException e) {
            log.warn("{} mail about {} not sent, tried again in {}: {}", pending.kind(),
                    pending.taskId() != null ? "task " + pending.taskId() : pending.reference(), RETRY, e.toString());
            notifications.retryAfter(pending.id(), RETRY);
        }
    }

    private String toGroup(String template, ApproverNotifications.Pending pending) {
        TaskFacts facts = facts(pending.taskId());
        if (facts == null) {
            return "TASK_CLOSED";
        }
        if (!facts.groups().contains(pending.groupId())) {
            // the group was taken off the task after it was queued: the task is no longer its to decide
            return "GROUP_REMOVED";
        }
        List<String> to = addressesOf(pending.groupId());
        if (to.isEmpty()) {
            return "NO_RECIPIENT";
        }
        Map<String, String> values = facts.values();
        values.put("group", pending.groupId());
        notifier.approverMail(template, facts.reference(), to, values);
        return "SENT";
    }

    private String escalate(ApproverNotifications.Pending pending) {
        TaskFacts facts = facts(pending.taskId());
        if (facts == null) {
            return "TASK_CLOSED";
        }
        List<String> to = new ArrayList<>();
        if (settings.escalationGroup() != null && !settings.escalationGroup().isBlank()) {
            to.addAll(addressesOf(settings.escalationGroup()));
        }
        if (settings.escalationAddress() != null && !settings.escalationAddress().isBlank()) {
            to.add(settings.escalationAddress().trim());
        }
        if (to.isEmpty()) {
            return "NO_RECIPIENT";
        }
        Map<String, String> values = facts.values();
        values.put("group", String.join(", ", facts.groups()));
        values.put("priority", String.valueOf(facts.priority()));
        notifier.approverMail("approver-escalation", facts.reference(), to.stream().distinct().toList(), values);
        return "SENT";
    }

    private String stillLooking(ApproverNotifications.Pending pending) {
        if (tasks.createTaskQuery().processInstanceBusinessKey(pending.reference()).count() == 0) {
            return "DECIDED";
        }
        transactions.executeWithoutResult(status -> notifier.stillBeingLookedAt(pending.recipient(), pending.reference()));
        return "SENT";
    }

    private void sendDigest(String group, List<ApproverNotifications.Pending> waiting) {
        List<ApproverNotifications.Pending> mine = waiting.stream().filter(p -> notifications.claim(p.id(), LEASE)).toList();
        if (mine.isEmpty()) {
            return;
        }
        try {
            StringBuilder list = new StringBuilder();
            Map<String, Boolean> seen = new LinkedHashMap<>();
            int count = 0;
            for (ApproverNotifications.Pending pending : mine) {
                if (seen.put(pending.taskId(), true) != null) {
                    continue;
                }
                TaskFacts facts = facts(pending.taskId());
                if (facts == null || !facts.groups().contains(group)) {
                    continue;
                }
                Map<String, String> v = facts.values();
                count++;
                list.append(count).append(". ").append(pending.kind() == ApproverNotifications.Kind.REMINDER ? "(reminder) " : "")
                        .append(v.get("what")).append('\n')
                        .append("   ").append(v.get("organizationId")).append(" (").append(v.get("environment")).append("), findings: ")
                        .append(v.get("severities")).append(", due ").append(v.get("due")).append('\n')
                        .append("   ").append(v.get("link")).append("\n\n");
            }
            List<String> to = count == 0 ? List.of() : addressesOf(group);
            if (!to.isEmpty()) {
                notifier.approverMail("approver-digest", "digest " + group, to,
                        new LinkedHashMap<>(Map.of("group", group, "count", String.valueOf(count), "tasks", list.toString())));
            }
            String outcome = count == 0 ? "TASK_CLOSED" : to.isEmpty() ? "NO_RECIPIENT" : "DIGEST";
            mine.forEach(p -> notifications.done(p.id(), outcome));
        } catch (RuntimeException e) {
            log.warn("Digest for {} not sent, tried again in {}: {}", group, RETRY, e.toString());
            mine.forEach(p -> notifications.retryAfter(p.id(), RETRY));
        }
    }

    /** The mail addresses of {@code group}'s members; a member without a usable one is logged, once. */
    List<String> addressesOf(String group) {
        List<String> addresses = new ArrayList<>();
        for (User member : identity.createUserQuery().memberOfGroup(group).list()) {
            String email = member.getEmail();
            if (usable(email)) {
                addresses.add(email.trim());
            } else if (notifications.firstTimeWithoutAddress(member.getId())) {
                log.warn("Approver '{}' (group {}) has no usable mail address in the directory and hears of no task by mail; "
                        + "give them one (this is logged once)", member.getId(), group);
            }
        }
        return addresses.stream().distinct().toList();
    }

    private static boolean usable(String email) {
        if (email == null || email.isBlank() || email.length() > 254) {
            return false;
        }
        try {
            new InternetAddress(email.trim(), true).validate();
            return !email.contains(",") && !email.contains("<");
        } catch (AddressException e) {
            return false;
        }
    }

    /** What a mail says about one open task; null when the task is done. */
    record TaskFacts(String reference, List<String> groups, int priority, Map<String, String> shown) {
        Map<String, String> values() {
            return new LinkedHashMap<>(shown);
        }
    }

    /** What a mail about the task says, read in one transaction; null when the task is gone. */
    TaskFacts facts(String taskId) {
        return transactions.execute(status -> readFacts(taskId));
    }

    private TaskFacts readFacts(String taskId) {
        Task task = tasks.createTaskQuery().taskId(taskId).singleResult();
        if (task == null) {
            return null;
        }
        // read with queries, which find nothing rather than fail when the task is decided meanwhile
        List<String> groups = candidateGroups(taskId);
        Map<String, Object> variables = new HashMap<>();
        if (task.getProcessInstanceId() != null) {
            runtime.createVariableInstanceQuery().processInstanceIdIn(task.getProcessInstanceId())
                    .variableNameIn(OnboardingProcess.ORGANIZATION_ID, OnboardingProcess.ENVIRONMENT, OnboardingProcess.APPROVAL_FACTS,
                            TRUST_WARNINGS)
                    .disableCustomObjectDeserialization().list()
                    .forEach(variable -> variables.putIfAbsent(variable.getName(), variable.getValue()));
        }
        ProcessInstance instance = task.getProcessInstanceId() == null ? null
                : runtime.createProcessInstanceQuery().processInstanceId(task.getProcessInstanceId()).singleResult();
        if (groups == null || task.getProcessInstanceId() != null && instance == null) {
            // decided while its mail was being written: nothing to tell
            return null;
        }
        String reference = instance == null || instance.getBusinessKey() == null ? taskId : instance.getBusinessKey();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("reference", Quoted.shown(reference, 64));
        v.put("what", Quoted.shown(task.getName(), 160));
        v.put("organizationId", shown(variables.get(OnboardingProcess.ORGANIZATION_ID)));
        v.put("environment", shown(variables.get(OnboardingProcess.ENVIRONMENT)));
        v.put("severities", severities(variables));
        v.put("due", when(task.getDueDate()));
        v.put("created", when(task.getCreateTime()));
        v.put("link", publicUrl + TASKLIST + engineName + "/#/?task=" + taskId);
        return new TaskFacts(reference, groups, task.getPriority(), v);
    }

    /**
     * The task's candidate groups as they are now; null when the task is gone. Read from the engine's identity link
     * table: a plain query answers for a task decided meanwhile with nothing, where the engine's API fails (and
     * logs an engine error, and marks the transaction for rollback).
     */
    List<String> candidateGroups(String taskId) {
        List<String> groups = jdbc.sql("""
                        select distinct GROUP_ID_ from ACT_RU_IDENTITYLINK
                        where TASK_ID_ = ? and TYPE_ = 'candidate' and GROUP_ID_ is not null order by GROUP_ID_""")
                .param(taskId).query(String.class).list();
        return tasks.createTaskQuery().taskId(taskId).count() == 0 ? null : groups;
    }

    private static String shown(Object value) {
        return value == null || value.toString().isBlank() ? "-" : "\"" + Quoted.shown(value.toString(), 64) + "\"";
    }

    private static String when(Date date) {
        return date == null ? "-" : WHEN.format(date.toInstant());
    }

    /** How many findings of each severity the request has, e.g. "1 WARNING, 2 NOTE"; "none" without any. */
    String severities(Map<String, Object> variables) {
        Map<String, Integer> counts = new TreeMap<>();
        Object facts = variables.get(OnboardingProcess.APPROVAL_FACTS);
        if (facts instanceof String text) {
            try {
                for (JsonNode finding : json.readTree(text).path("findings")) {
                    counts.merge(finding.path("severity").asText("UNKNOWN"), 1, Integer::sum);
                }
            } catch (JsonProcessingException unreadable) {
                return "see the task";
            }
        }
        Object warnings = variables.get(TRUST_WARNINGS);
        if (warnings instanceof String text && !text.isBlank()) {
            counts.merge("WARNING", text.split("\n\n").length, Integer::sum);
        }
        if (counts.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (String severity : List.of("ERROR", "WARNING", "NOTE")) {
            Integer n = counts.remove(severity);
            if (n != null) {
                parts.add(n + " " + severity);
            }
        }
        counts.forEach((severity, n) -> parts.add(n + " " + Quoted.shown(severity, 20)));
        return String.join(", ", parts);
    }
}
