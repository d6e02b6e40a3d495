package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import io.certdesk.trust.PartnerTrustProcess;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Approvers in a real browser: log in to the Tasklist, open a task, read what the decision needs in certdesk's
 * forms (bpmn/forms), claim and decide; the client then has its certificate, or the Tasklist refuses a decision
 * the process forbids. Uses Debian's chromium and chromium-driver
 * (.ci/run installs them); screenshots of failures go to target/screenshots.
 */
class ApprovalInBrowserIT extends EmbeddedCertdeskTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @LocalServerPort
    int port;
    @org.springframework.beans.factory.annotation.Autowired
    CertdeskProperties properties;
    WebDriver browser;
    boolean passed;

    @BeforeEach
    void openBrowser() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver): browser test skipped");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
    }

    @AfterEach
    void closeBrowser(TestInfo test) throws Exception {
        if (browser == null) {
            return;
        }
        if (!passed) {
            Path dir = Files.createDirectories(Path.of("target/screenshots"));
            Files.write(dir.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
        browser.quit();
    }

    private WebElement visible(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private void click(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(); arguments[0].click();", element);
    }

    private String field(String name) {
        return visible(By.cssSelector("[data-field='" + name + "']")).getText().trim();
    }

    private void logIn() {
        browser.get("http://localhost:" + port + "/camunda/app/tasklist/");
        visible(By.cssSelector("input[ng-model='username']")).sendKeys("approver");
        browser.findElement(By.cssSelector("input[ng-model='password']")).sendKeys("approver");
        browser.findElement(By.cssSelector("button[type='submit']")).click();
    }

    private WebElement completeButton() {
        return visible(By.xpath("//button[normalize-space(.)='Complete']"));
    }

    @Test
    void anApproverDecidesARenewalInTheTasklistAndTheClientGetsTheCertificate() throws Exception {
        Issued first = onboard("browser-1", "production", TestCsrs.p384());
        String contact = first.contact();
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: browser-1\nCompany: Browser BV\nTechnical contact: Bea Browser <" + contact + ">\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Browser BV,OU=API Client,CN=browser-1", TestCsrs.p384())).getBytes()));
        int before = MAILBOX.read(contact, "INBOX").size();
        String reference = referenceIn(MAILBOX.await(contact, before + 1, WAIT).get(before).subject());
        assertThat(awaitTask(reference, "UserTask_ApproveRequest").getDescription())
                .startsWith("Known organization browser-1 asks for a production client certificate for C=NL,O=Browser BV");

        logIn();
        click(visible(By.xpath("//*[contains(text(),'Approve CSR browser-1 (production) " + reference + "')]")));

        // the form: who asks, for what, what policy found, what the organization already has, what changes
        assertThat(field("requestReference")).isEqualTo(reference);
        assertThat(field("organizationId")).isEqualTo("browser-1");
        assertThat(field("companyName")).isEqualTo("Browser BV");
        assertThat(field("organizationStatus")).startsWith("known since").contains("1 certificate(s) issued, 1 active");
        assertThat(field("contacts")).contains(contact);
        assertThat(field("environment")).isEqualTo("production");
        assertThat(field("subject")).isEqualTo("C=NL,O=Browser BV,OU=API Client,CN=browser-1");
        assertThat(field("keyDescription")).isEqualTo("EC P-384 (384 bits)");
        assertThat(field("publicKeySha256")).matches("[0-9a-f]{64}");
        assertThat(field("issuance")).contains("extendedKeyUsage clientAuth").contains("valid 365 days");
        assertThat(field("certificate")).contains(first.serial()).contains("ACTIVE").contains(first.reference());
        assertThat(field("renewal")).contains("Renews certificate " + first.serial()).contains("subject changes from \"C=NL,O=ACME BV").contains("the SAME public key");
        assertThat(field("noFindings")).contains("None");
        // plain mail: the approver is told its From proves nothing, apart from the policy findings
        assertThat(field("mailAuthenticity")).contains("MAIL_NOT_AUTHENTICATED").contains("may be forged");

        click(visible(By.xpath("//button[normalize-space(.)='Claim']")));
        // neither approved nor a reason: the Tasklist does not let the task complete
        WebElement approve = visible(By.cssSelector("input[name='approved']"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> approve.isEnabled());
        assertThat(field("decisionHint")).contains("write the reason to reject");
        assertThat(completeButton().isEnabled()).isFalse();
        click(approve);
        WebElement complete = completeButton();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(complete));
        browser.manage().window().setSize(new Dimension(1400, 1250));
        Files.createDirectories(Path.of("target/screenshots"));
        Files.write(Path.of("target/screenshots/approval-form.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        click(complete);

        Mailbox.Received delivery = MAILBOX.await(contact, before + 2, WAIT).get(before + 1);
        assertThat(delivery.subject()).contains(reference).contains("Your client certificate");
        assertThat(delivery.attachments()).containsKeys("client-cert.pem", "ca-cert.pem");
        assertThat(jdbc.sql("select decided_by from certificate_request where reference = ?").param(reference)
                .query(String.class).single()).isEqualTo("approver");
        // what the form showed was written once, by certdesk, and not sent back with the decision
        String instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(reference).singleResult().getId();
        assertThat(history.createHistoricDetailQuery().variableUpdates().processInstanceId(instance).list())
                .map(d -> ((HistoricVariableUpdate) d).getVariableName())
                .contains("approved").filteredOn(name -> name.equals("approvalFacts")).hasSize(1);
        passed = true;
    }

    @Test
    void thePartnerCaFormShowsTheChainAndTheTasklistRefusesTheSameApproverTwice() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued root = TestPki.root("CN=Browser Partner Root,O=Partner", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(900)));
        TestPki.Issued leaf = TestPki.leaf("CN=browser-partner-client,O=Partner", root, KeyPurposeId.id_kp_clientAuth);
        String from = address("browser-partner");
        MAILBOX.send(Mailbox.from(from).subject("Our partner certificate").body("Organization ID: browser-partner\nEnvironment: qa\n")
                .attach("chain.pem", (leaf.pem() + root.pem()).getBytes()));
        String ack = MAILBOX.awaitOne(from).subject();
        String reference = ack.substring(ack.indexOf("TR-"), ack.indexOf(']'));
        awaitTask(reference, PartnerTrustProcess.FIRST_APPROVAL);

        logIn();
        click(visible(By.xpath("//*[contains(text(),'" + reference + ": first approval')]")));
        assertThat(field("reference")).isEqualTo(reference);
        assertThat(field("environment")).isEqualTo("qa");
        assertThat(field("clientCertificate")).contains("CN=browser-partner-client").contains("SHA-256:");
        assertThat(field("caCertificates")).contains("CN=Browser Partner Root").contains("SHA-256:");
        decide();
        Task second = awaitTask(reference, PartnerTrustProcess.SECOND_APPROVAL);
        assertThat(tasks.getVariable(second.getId(), PartnerTrustProcess.FIRST_APPROVER)).isEqualTo("approver");

        browser.get("http://localhost:" + port + "/camunda/app/tasklist/");
        click(visible(By.xpath("//*[contains(text(),'" + reference + ": second approval')]")));
        assertThat(field("firstApprover")).contains("First approved by approver");
        decide();
        visible(By.xpath("//*[contains(text(),'Four eyes: approver made the first decision')]"));
        assertThat(tasks.createTaskQuery().taskId(second.getId()).count()).as("the second approval is still open").isEqualTo(1);
        passed = true;
    }

    @Test
    void theRevocationFormSaysWhetherAContactsMailWasAuthenticated() throws Exception {
        Issued byMail = onboard("browser-revoke-mail", "qa", TestCsrs.p384());
        MAILBOX.send(Mailbox.from(byMail.contact()).subject("Please revoke")
                .body("Revoke: " + byMail.serial() + "\nReason: cessationOfOperation\n"));
        awaitTask(byMail.serial(), "UserTask_ApproveRevocation");
        // an administrator's request for a reason other than keyCompromise waits for an approver too, and has no mail
        Issued byAdmin = onboard("browser-revoke-admin", "qa", TestCsrs.p384());
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations", new HttpEntity<>(
                "{\"certificate\":\"" + byAdmin.serial() + "\",\"reason\":\"superseded\"}", json), String.class)
                .getStatusCode().value()).isEqualTo(202);
        awaitTask(byAdmin.serial(), "UserTask_ApproveRevocation");

        logIn();
        click(visible(By.xpath("//*[contains(text(),'Revoke " + byMail.serial() + "')]")));
        assertThat(field("requestedBy")).contains(byMail.contact()).contains("CONTACT");
        assertThat(field("mailAuthenticity")).contains("Not authenticated").contains("may be forged").contains("no DKIM signature");

        browser.get("http://localhost:" + port + "/camunda/app/tasklist/");
        click(visible(By.xpath("//*[contains(text(),'Revoke " + byAdmin.serial() + "')]")));
        assertThat(field("serial")).isEqualTo(byAdmin.serial());
        assertThat(field("requestedBy")).contains("ADMIN");
        assertThat(browser.findElements(By.cssSelector("[data-field='mailAuthenticity']"))).as("no mail, nothing said of one").isEmpty();
        passed = true;
    }

    @Test
    void theLinkInTheApproversTaskMailOpensTheTaskFormAfterLogIn() throws Exception {
        String contact = address("browser-link");
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: browser-link\nCompany: Link BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Link BV,OU=API Client,CN=browser-link", TestCsrs.p384())).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(contact).subject());
        Task task = awaitTask(reference, "UserTask_ApproveRequest");
        Mailbox.Received mail = null;
        for (int i = 0; i < 150 && mail == null; i++) {
            mail = MAILBOX.read("approver@certdesk.local", "INBOX").stream()
                    .filter(m -> m.subject().contains(reference) && m.subject().contains("Waiting for your decision")).findFirst().orElse(null);
            Thread.sleep(200);
        }
        assertThat(mail).as("task mail to the approver").isNotNull();
        Matcher link = Pattern.compile("(http\\S+/camunda/app/tasklist/\\S+)").matcher(mail.text());
        assertThat(link.find()).as("a link in the mail").isTrue();
        // the link starts with certdesk.public-url; this test's certdesk listens on a random port instead
        String publicUrl = properties.publicUrl();
        assertThat(link.group(1)).startsWith(publicUrl + "/camunda/app/tasklist/").endsWith("task=" + task.getId());
        String opened = "http://localhost:" + port + link.group(1).substring(publicUrl.length());

        // the mail as an approver's mail program shows it (docs/images/task-mail.png), with a public URL as in production
        Files.createDirectories(Path.of("target/screenshots"));
        browser.manage().window().setSize(new Dimension(900, 440));
        browser.get("data:text/html;charset=utf-8," + URLEncoder.encode("<html><body style='font-family:sans-serif'>"
                + "<p><b>Subject:</b> " + escape(mail.subject()) + "<br><b>To:</b> approver@certdesk.local</p><pre style='font-size:14px'>"
                + escape(mail.text().replace(publicUrl, "https://certdesk.example.com")) + "</pre></body></html>",
                StandardCharsets.UTF_8).replace("+", "%20"));
        Files.write(Path.of("target/screenshots/task-mail.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1400, 1000));

        browser.get(opened);
        visible(By.cssSelector("input[ng-model='username']")).sendKeys("approver");
        browser.findElement(By.cssSelector("input[ng-model='password']")).sendKeys("approver");
        browser.findElement(By.cssSelector("button[type='submit']")).click();
        // straight to the task's form, no search in the list
        assertThat(field("requestReference")).isEqualTo(reference);
        assertThat(field("organizationId")).isEqualTo("browser-link");
        Files.write(Path.of("target/screenshots/task-from-mail.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        passed = true;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Claims the open task, ticks its decision box and completes it. */
    private void decide() {
        click(visible(By.xpath("//button[normalize-space(.)='Claim']")));
        WebElement approve = visible(By.cssSelector("input[name='approved']"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> approve.isEnabled());
        click(approve);
        WebElement complete = completeButton();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(complete));
        click(complete);
    }
}
