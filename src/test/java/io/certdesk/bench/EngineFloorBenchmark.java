package io.certdesk.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.management.OperatingSystemMXBean;
import io.certdesk.config.EngineHistory;
import io.certdesk.config.QuickCompilation;
import io.certdesk.est.EstProcess;
import io.certdesk.onboarding.OnboardingProcess;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.jobexecutor.DefaultJobExecutor;
import org.camunda.bpm.engine.impl.persistence.StrongUuidGenerator;
import org.camunda.bpm.engine.task.Task;

/**
 * What the workflow engine alone costs per onboarding: certdesk's own {@code bpmn/certificateOnboarding.bpmn} run
 * on Camunda with certdesk's engine settings (H2 file database, history level full with {@link EngineHistory},
 * authorization on, the job executor) and delegates that do nothing but set the variables the real ones set. No
 * mail, no CSR, no signature, no HTTP. Intake is a process start per request until it waits at the approval task
 * (validation and acknowledgement run as jobs); issuance is an authenticated completion by one of four approver
 * threads until the process has ended (signing and delivery run as jobs). The automatic EST re-enrollment is
 * {@code bpmn/estEnrollment.bpmn} started by four request threads inside the renewal window, until it has ended.
 *
 * <p>Prints each leg's rate and this JVM's CPU per request, beside the CPU a request may use on this machine at the
 * intake target of 200 mails/s. The engine's share is the floor under the pipeline benchmark's figures: no
 * change to certdesk's own steps makes a request cheaper than this. Run with {@code mvn -Pbench verify}, or on its
 * own with the number of requests as argument.
 */
public final class EngineFloorBenchmark {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final String APPROVERS = "approvers";

    private EngineFloorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmUp = Integer.getInteger("bench.warm-up", 500);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "# certdesk engine floor: bpmn/certificateOnboarding.bpmn with empty steps, %d cores, Java %s, %s%n",
                cores, System.getProperty("java.version"), Instant.now());
        QuickCompilation.apply();
        Path dir = Files.createTempDirectory("certdesk-engine-floor");
        floor("H2", "jdbc:h2:retry:" + dir.resolve("db/certdesk") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", requests, warmUp);
        String postgres = "jdbc:postgresql://127.0.0.1:5432/";
        try (Connection admin = DriverManager.getConnection(postgres + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists certdesk_engine_floor");
            statement.execute("create database certdesk_engine_floor");
        } catch (SQLException unreachable) {
            System.out.println("# PostgreSQL at 127.0.0.1:5432 unreachable, its leg skipped: " + unreachable.getMessage());
            postgres = null;
        }
        if (postgres != null) {
            floor("PostgreSQL", postgres + "certdesk_engine_floor", "postgres", requests, warmUp);
        }
        System.out.printf(Locale.ROOT, "CPU a request may use at 200 mails/s on %d cores: %.1f ms%n", cores, cores * 1000.0 / 200);
    }

    private static void floor(String database, String url, String user, int requests, int warmUp) throws Exception {
        ProcessEngine engine = engine(url, user);
        try {
            try (Connection connection = DriverManager.getConnection(url, user, "");
                 Statement statement = connection.createStatement()) {
                statement.execute("create index if not exists CERTDESK_IDX_TASK_PARENT on ACT_RU_TASK(PARENT_TASK_ID_)");
            }
            engine.getRepositoryService().createDeployment().name("certdesk")
                    .addInputStream("certificateOnboarding.bpmn", Files.newInputStream(Path.of("bpmn/certificateOnboarding.bpmn")))
                    .addInputStream("estEnrollment.bpmn", Files.newInputStream(Path.of("bpmn/estEnrollment.bpmn")))
                    .deploy();
            engine.getIdentityService().saveUser(user());
            engine.getIdentityService().saveGroup(group());
            engine.getIdentityService().createMembership("approver", APPROVERS);
            AtomicInteger sequence = new AtomicInteger();
            round(engine, database, "warm-up", warmUp, sequence, false);
            round(engine, database, "measured", requests, sequence, true);
        } finally {
            engine.close();
        }
    }

    private static void round(ProcessEngine engine, String database, String name, int requests, AtomicInteger sequence, boolean print) throws Exception {
        long cpu = OS.getProcessCpuTime();
        long machine = machineCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            int n = sequence.incrementAndGet();
            engine.getRuntimeService().startProcessInstanceByKey(OnboardingProcess.KEY, "CR-BENCH-" + n,
                    Map.of(OnboardingProcess.REQUEST_ID, (long) n, OnboardingProcess.REQUEST_REFERENCE, "CR-BENCH-" + n));
        }
        List<Task> waiting = awaitTasks(engine, requests);
        double intakeSeconds = (System.nanoTime() - start) / 1e9;
        double intakeCpu = (OS.getProcessCpuTime() - cpu) / 1e6 / requests;
        double intakeMachine = (machineCpuNanos() - machine) / 1e6 / requests;

        cpu = OS.getProcessCpuTime();
        machine = machineCpuNanos();
        start = System.nanoTime();
        ExecutorService approvers = Executors.newFixedThreadPool(4);
        List<Future<?>> decisions = new ArrayList<>();
        for (Task task : waiting) {
            decisions.add(approvers.submit(() -> {
                engine.getIdentityService().setAuthentication("approver", List.of(APPROVERS));
                try {
                    engine.getTaskService().claim(task.getId(), "approver");
                    engine.getTaskService().complete(task.getId(), Map.of(OnboardingProcess.APPROVED, true));
                } finally {
                    engine.getIdentityService().clearAuthentication();
                }
            }));
        }
        for (Future<?> decision : decisions) {
            decision.get();
        }
        approvers.shutdown();
        awaitEnded(engine, OnboardingProcess.KEY);
        double issuanceSeconds = (System.nanoTime() - start) / 1e9;
        double issuanceCpu = (OS.getProcessCpuTime() - cpu) / 1e6 / requests;
        double issuanceMachine = (machineCpuNanos() - machine) / 1e6 / requests;
        cpu = OS.getProcessCpuTime();
        machine = machineCpuNanos();
        start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> reenrollments = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int n = sequence.incrementAndGet();
            reenrollments.add(clients.submit(() -> engine.getRuntimeService().startProcessInstanceByKey(EstProcess.KEY, "CR-BENCH-" + n,
                    Map.of(OnboardingProcess.REQUEST_ID, (long) n, OnboardingProcess.REQUEST_REFERENCE, "CR-BENCH-" + n))));
        }
        for (Future<?> reenrollment : reenrollments) {
            reenrollment.get();
        }
        clients.shutdown();
        awaitEnded(engine, EstProcess.KEY);
        double estSeconds = (System.nanoTime() - start) / 1e9;
        double estCpu = (OS.getProcessCpuTime() - cpu) / 1e6 / requests;
        double estMachine = (machineCpuNanos() - machine) / 1e6 / requests;
        if (print) {
            System.out.printf(Locale.ROOT, "engine alone, automatic EST re-enrollment (start, validate, window, approve, sign, notify), %s: "
                    + "%.0f requests/s, %.1f ms CPU per request in this JVM, %.1f ms on the machine%n", database, requests / estSeconds, estCpu, estMachine);
            System.out.printf(Locale.ROOT, "engine alone, intake (start, validate, acknowledge, approval task), %s: %.0f requests/s, "
                    + "%.1f ms CPU per request in this JVM, %.1f ms on the machine%n", database, requests / intakeSeconds, intakeCpu, intakeMachine);
            System.out.printf(Locale.ROOT, "engine alone, issuance (claim, complete, sign, deliver), %s: %.0f requests/s, "
                    + "%.1f ms CPU per request in this JVM, %.1f ms on the machine%n", database, requests / issuanceSeconds, issuanceCpu, issuanceMachine);
        } else {
            System.out.printf(Locale.ROOT, "# %s round of %d: intake %.1f s, issuance %.1f s, EST %.1f s%n", name, requests, intakeSeconds,
                    issuanceSeconds, estSeconds);
        }
    }

    private static List<Task> awaitTasks(ProcessEngine engine, int expected) throws InterruptedException {
        while (engine.getTaskService().createTaskQuery().taskDefinitionKey(OnboardingProcess.APPROVE_REQUEST).count() < expected) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return engine.getTaskService().createTaskQuery().taskDefinitionKey(OnboardingProcess.APPROVE_REQUEST).list();
    }

    private static void awaitEnded(ProcessEngine engine, String process) throws InterruptedException {
        while (engine.getRuntimeService().createProcessInstanceQuery().processDefinitionKey(process).count() > 0) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** CPU time of every process on the machine (PostgreSQL's too), from /proc/stat; 0 where there is none. */
    private static long machineCpuNanos() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[]{1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(fields[i]);
            }
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException notLinux) {
            return 0;
        }
    }

    private static ProcessEngine engine(String url, String user) {
        StandaloneProcessEngineConfiguration configuration = new StandaloneProcessEngineConfiguration();
        configuration.setJdbcUrl(url);
        configuration.setJdbcUsername(user);
        configuration.setJdbcPassword("");
        configuration.setJdbcMaxActiveConnections(10);
        configuration.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
        configuration.setHistory(ProcessEngineConfiguration.HISTORY_FULL);
        configuration.setAuthorizationEnabled(true);
        configuration.setIdGenerator(new StrongUuidGenerator());
        configuration.setJobExecutorActivate(true);
        configuration.setHistoryCleanupStrategy("endTimeBased");
        configuration.setHistoryRemovalTimeStrategy("none");
        configuration.setEnableExpressionsInStoredQueries(false);
        configuration.setEnableExpressionsInAdhocQueries(false);
        configuration.setJavaSerializationFormatEnabled(false);
        configuration.setProcessEnginePlugins(new ArrayList<>(List.of(new EngineHistory())));
        DefaultJobExecutor jobExecutor = new DefaultJobExecutor();
        jobExecutor.setWaitTimeInMillis(500);
        jobExecutor.setMaxWait(2000);
        jobExecutor.setLockTimeInMillis(60_000);
        configuration.setJobExecutor(jobExecutor);
        String facts = "{\"organization\":\"acme-42\",\"findings\":[" + "{\"code\":\"OK\",\"severity\":\"INFO\",\"text\":\"fine\"},".repeat(12)
                + "{}],\"subject\":\"C=NL,ST=North-Holland,L=Amsterdam,O=ACME BV,OU=API Client,CN=acme-42\"}";
        JavaDelegate validate = execution -> {
            OnboardingProcess.setOrganization(execution, "acme-42", "qa");
            OnboardingProcess.setApprovalSummary(execution, "Organization acme-42 (ACME BV), qa, EC P-384, no findings");
            OnboardingProcess.setApprovalFacts(execution, facts);
        };
        JavaDelegate nothing = execution -> { };
        JavaDelegate sign = execution -> OnboardingProcess.setCertificateSerial(execution, Long.toHexString(System.nanoTime()));
        JavaDelegate window = execution -> {
            execution.setVariable(EstProcess.AUTOMATIC_REENROLLMENT, true);
            execution.setVariable(EstProcess.APPROVAL_PATH, "automatic EST re-enrollment by certificate 4F2A9C");
            OnboardingProcess.setOrganization(execution, "acme-42", "qa");
        };
        TaskListener recordDecision = task -> { };
        configuration.setBeans(Map.of("validateRequest", validate, "sendAcknowledgement", nothing, "signCertificate", sign,
                "deliverCertificate", nothing, "recordDecision", recordDecision, "approverGroup", new Approvers(),
                "validateEstRequest", nothing, "checkEstRenewalWindow", window, "approveEstReenrollment", nothing,
                "notifyEstCertificateIssued", nothing));
        return configuration.buildProcessEngine();
    }

    private static org.camunda.bpm.engine.identity.User user() {
        org.camunda.bpm.engine.impl.persistence.entity.UserEntity user = new org.camunda.bpm.engine.impl.persistence.entity.UserEntity("approver");
        user.setPassword("approver");
        return user;
    }

    private static org.camunda.bpm.engine.identity.Group group() {
        org.camunda.bpm.engine.impl.persistence.entity.GroupEntity group = new org.camunda.bpm.engine.impl.persistence.entity.GroupEntity(APPROVERS);
        group.setName("Approvers");
        return group;
    }

    /** The approval task's candidate group and dates, as certdesk's {@code approverGroup} bean gives them. */
    public static final class Approvers {

        public String getName() {
            return APPROVERS;
        }

        public Date getDue() {
            return Date.from(Instant.now().plusSeconds(5 * 86_400));
        }

        public Date getFollowUp() {
            return Date.from(Instant.now().plusSeconds(2 * 86_400));
        }
    }
}
