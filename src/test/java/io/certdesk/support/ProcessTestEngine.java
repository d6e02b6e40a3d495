package io.certdesk.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.mockito.Mockito.mock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.mock.MockExpressionManager;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.engine.platform7.ProcessCoverageConfigurator;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * The engine of the process tests ({@code *ProcessTest}): one Camunda engine on an in-memory H2 database, built
 * once per test JVM, without Spring, mail or a database server. Each test deploys one file of {@code bpmn/} with
 * the forms its user tasks name, and every bean the model names ({@code ${validateRequest}},
 * {@code ${approverGroup.due}}) is a Mockito mock or a small stand-in the test registers with {@link Mocks}.
 * The job executor is off: the test runs each async continuation and timer itself with {@code execute(job(..))},
 * and moves the engine clock, which starts every test at {@link #START}.
 * <p>
 * The engine records which flow nodes and sequence flows each test walks: every test class registers
 * {@link #coverage()} as a static extension, which writes the class's report (HTML and JSON) under
 * {@code target/process-test-coverage/} when the class ends.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();
 *
 * &#64;RegisterExtension
 * final ProcessTestEngine engine = new ProcessTestEngine("bpmn/certificateOnboarding.bpmn");
 * </pre>
 */
public final class ProcessTestEngine implements BeforeEachCallback, AfterEachCallback {

    /** Where the engine clock stands when a test starts. */
    public static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

    private static final Pattern FORM_KEY = Pattern.compile("embedded:deployment:([^\"]+)\"");

    /**
     * The smallest share of flow nodes and sequence flows a test class must walk, 1.0 (all). Lower it on the command
     * line to run single test methods: {@code mvn test -Dtest='PartnerTrustProcessTest#chainApprovedByBothIsTrusted'
     * -Dcertdesk.process-coverage.minimum=0}.
     */
    public static final String MINIMUM_COVERAGE_PROPERTY = "certdesk.process-coverage.minimum";

    private static final SharedEngineConfiguration CONFIGURATION = new SharedEngineConfiguration();

    private final String processResource;
    private String deploymentId;

    public ProcessTestEngine(String processResource) {
        this.processResource = processResource;
    }

    /** The shared engine, built at first use. */
    public static ProcessEngine engine() {
        return CONFIGURATION.buildProcessEngine();
    }

    /**
     * The coverage report of one test class on the shared engine; register it in a static field, so it sees the
     * whole class, writes the report when the class ends and fails the class if it leaves an element of its
     * process unwalked (see {@link #MINIMUM_COVERAGE_PROPERTY}).
     */
    public static ProcessEngineCoverageExtension coverage() {
        double minimum = Double.parseDouble(System.getProperty(MINIMUM_COVERAGE_PROPERTY, "1.0"));
        return ProcessEngineCoverageExtension.builder(CONFIGURATION)
                .assertClassCoverageAtLeast(minimum)
                .build();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (!registersCoverage(testClass)) {
            throw new IllegalStateException(testClass.getSimpleName() + " does not register the coverage report: add"
                    + " '@RegisterExtension static final ProcessEngineCoverageExtension coverage ="
                    + " ProcessTestEngine.coverage();'");
        }
        ProcessEngine processEngine = engine();
        BpmnAwareTests.init(processEngine);
        Mocks.reset();
        ClockUtil.setCurrentTime(Date.from(START));
        DeploymentBuilder deployment = processEngine.getRepositoryService().createDeployment()
                .name(testClass.getSimpleName())
                .addClasspathResource(processResource);
        for (String form : formsNamedBy(processResource)) {
            deployment.addClasspathResource(form);
        }
        Deployment deployed = deployment.deploy();
        deploymentId = deployed.getId();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (deploymentId != null) {
                engine().getRepositoryService().deleteDeployment(deploymentId, true, true);
            }
        } finally {
            deploymentId = null;
            Mocks.reset();
            ClockUtil.reset();
            BpmnAwareTests.reset();
        }
    }

    /** A do-nothing delegate mock registered under the bean name the model uses. */
    public static JavaDelegate delegate(String beanName) {
        JavaDelegate delegate = mock(JavaDelegate.class, beanName);
        Mocks.register(beanName, delegate);
        return delegate;
    }

    /** A do-nothing task listener mock registered under the bean name the model uses. */
    public static TaskListener taskListener(String beanName) {
        TaskListener listener = mock(TaskListener.class, beanName);
        Mocks.register(beanName, listener);
        return listener;
    }

    /** Moves the engine clock to the given moment. */
    public static void clockAt(Instant moment) {
        ClockUtil.setCurrentTime(Date.from(moment));
    }

    /** Runs the async continuation or timer waiting at the given element of the instance. */
    public static void executeJobAt(ProcessInstance instance, String activityId) {
        execute(job(activityId, instance));
    }

    /** Asserts the timer at the given boundary event is due at the given moment, moves the engine clock there and fires it. */
    public static void fireTimer(ProcessInstance instance, String boundaryEventId, Instant due) {
        Job timer = job(boundaryEventId, instance);
        assertThat(timer).as("timer job at %s", boundaryEventId).isNotNull();
        assertThat(timer.getDuedate()).as("due date of %s", boundaryEventId).isEqualTo(Date.from(due));
        clockAt(due);
        execute(timer);
    }

    /** Whether the test class holds a coverage extension in a static field (called around the whole class). */
    static boolean registersCoverage(Class<?> testClass) {
        for (Field field : testClass.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ProcessEngineCoverageExtension.class) {
                return true;
            }
        }
        return false;
    }

    /** The resources an embedded form key of the model names ({@code embedded:deployment:bpmn/forms/x.html}). */
    static Set<String> formsNamedBy(String processResource) {
        Set<String> forms = new LinkedHashSet<>();
        try (InputStream in = ProcessTestEngine.class.getClassLoader().getResourceAsStream(processResource)) {
            if (in == null) {
                throw new IllegalArgumentException(processResource + " is not on the test class path");
            }
            Matcher matcher = FORM_KEY.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            while (matcher.find()) {
                forms.add(matcher.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return forms;
    }

    /**
     * The engine of the process tests, built once: every coverage extension asks its configuration for the engine,
     * and gets the same one.
     */
    private static final class SharedEngineConfiguration extends StandaloneInMemProcessEngineConfiguration {

        private ProcessEngine engine;

        SharedEngineConfiguration() {
            setJdbcUrl("jdbc:h2:mem:certdesk-process-tests;DB_CLOSE_DELAY=-1");
            setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_CREATE_DROP);
            setHistory(ProcessEngineConfiguration.HISTORY_FULL);
            setJobExecutorActivate(false);
            setExpressionManager(new MockExpressionManager());
            setMetricsEnabled(false);
            // certdesk models no cases and no decision tables: less schema to create at start
            setCmmnEnabled(false);
            setDmnEnabled(false);
            setProcessEngineName("certdesk-process-tests");
            // the parse listener and compensation handler that record the coverage
            ProcessCoverageConfigurator.initializeProcessCoverageExtensions(this);
        }

        @Override
        public synchronized ProcessEngine buildProcessEngine() {
            if (engine == null) {
                engine = super.buildProcessEngine();
                // the failures the tests provoke (a delegate that throws, a refused decision) reach the test as
                // exceptions; the engine's error log of each would only bury the test report
                ((Logger) LoggerFactory.getLogger("org.camunda.bpm.engine.context")).setLevel(Level.OFF);
            }
            return engine;
        }
    }
}
