package io.certdesk.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.certdesk.CertdeskApplication;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A certdesk started and stopped by the test itself, for restarts and other databases. */
public final class StandaloneCertdesk implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private StandaloneCertdesk(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static Map<String, Object> embeddedProperties(Path dataDir, int smtpPort, int imapPort) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", 0);
        properties.put("certdesk.mtls.ports.qa", 0);
        properties.put("certdesk.mtls.ports.production", 0);
        properties.put("certdesk.est.ports.qa", 0);
        properties.put("certdesk.est.ports.production", 0);
        properties.put("certdesk.data-dir", dataDir.toString());
        properties.put("certdesk.embedded-mail.smtp-port", smtpPort);
        properties.put("certdesk.embedded-mail.imap-port", imapPort);
        properties.put("certdesk.intake.poll-interval", "250ms");
        properties.put("certdesk.environments.qa.ca-key-type", "EC_P384");
        properties.put("certdesk.environments.production.ca-key-type", "EC_P384");
        // load and cluster tests send from many addresses of one domain
        properties.put("certdesk.auto-replies.max-per-domain", 100_000);
        properties.put("camunda.bpm.job-execution.wait-time-in-millis", 100);
        properties.put("camunda.bpm.job-execution.max-wait", 300);
        return properties;
    }

    public static StandaloneCertdesk start(Map<String, Object> properties) {
        // as command-line arguments, so they win over config/application.yml
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new StandaloneCertdesk(new SpringApplicationBuilder(CertdeskApplication.class, MovableClock.InContext.class).run(args));
    }

    /** Waits up to 30 s for the approval task of a request and returns it. */
    public Task awaitApprovalTask(String reference) throws InterruptedException {
        var tasks = bean(TaskService.class);
        return Polling.until(Duration.ofSeconds(30), Duration.ofMillis(100),
                () -> tasks.createTaskQuery().processInstanceBusinessKey(reference).taskDefinitionKey("UserTask_ApproveRequest").singleResult(),
                Objects::nonNull, none -> new AssertionError("no approval task for " + reference + " within 30 s"));
    }

    /** The port of its web server (Tasklist, REST API, public pages). */
    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** certdesk's clock in this instance, to move its own dates due without moving the JVM's engine clock. */
    public MovableClock clock() {
        return bean(MovableClock.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
