package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
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

/**
 * An approver in a real browser: logs in to the Tasklist, opens the approval task, reads what the decision
 * needs, claims, approves; the client then has its certificate. Uses Debian's chromium and chromium-driver
 * (.ci/run installs them); screenshots of failures go to target/screenshots.
 */
class ApprovalInBrowserIT extends EmbeddedCertdeskTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @LocalServerPort
    int port;
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

    @Test
    void anApproverDecidesInTheTasklistAndTheClientGetsTheCertificate() throws Exception {
        String contact = address("browser");
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: browser-1\nCompany: Browser BV\nTechnical contact: Bea Browser <" + contact + ">\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Browser BV,OU=API Client,CN=browser-1", TestCsrs.p384())).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(contact).subject());
        awaitTask(reference, "UserTask_ApproveRequest");

        browser.get("http://localhost:" + port + "/camunda/app/tasklist/");
        visible(By.cssSelector("input[ng-model='username']")).sendKeys("approver");
        browser.findElement(By.cssSelector("input[ng-model='password']")).sendKeys("approver");
        browser.findElement(By.cssSelector("button[type='submit']")).click();
        click(visible(By.xpath("//*[contains(text(),'Approve CSR browser-1 (production) " + reference + "')]")));

        WebElement key = visible(By.cssSelector("input[name='publicKeySha256']"));
        assertThat(key.getAttribute("value")).matches("[0-9a-f]{64}");
        assertThat(browser.findElement(By.cssSelector("input[name='organizationId']")).getAttribute("value")).isEqualTo("browser-1");
        assertThat(browser.findElement(By.cssSelector("input[name='keyDescription']")).getAttribute("value")).isEqualTo("EC P-384 (384 bits)");
        assertThat(browser.findElement(By.cssSelector("input[name='organizationStatus']")).getAttribute("value")).isEqualTo("new");
        assertThat(browser.findElement(By.cssSelector("input[name='findings']")).getAttribute("value")).isEqualTo("none");

        click(visible(By.xpath("//button[normalize-space(.)='Claim']")));
        WebElement approve = visible(By.cssSelector("input[name='approved']"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> approve.isEnabled());
        click(approve);
        WebElement complete = visible(By.xpath("//button[normalize-space(.)='Complete']"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(complete));
        click(complete);

        Mailbox.Received delivery = MAILBOX.await(contact, 2, WAIT).get(1);
        assertThat(delivery.subject()).contains(reference).contains("Your client certificate");
        assertThat(delivery.attachments()).containsKeys("client-cert.pem", "ca-cert.pem");
        assertThat(jdbc.sql("select decided_by from certificate_request where reference = ?").param(reference)
                .query(String.class).single()).isEqualTo("approver");
        passed = true;
    }
}
