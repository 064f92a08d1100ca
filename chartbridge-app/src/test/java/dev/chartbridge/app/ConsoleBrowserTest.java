package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real browser (Debian's headless Chromium through its chromedriver, driven by Selenium): an
 * operator signs in with the tenant's key, finds a failed write by patient, opens its timeline, reads why it
 * failed, retries it once the EHR answers again and sees it VERIFIED, then approves a held medication change.
 * Skipped, saying why, only where Chromium or chromedriver is not installed. With
 * {@code -Dchartbridge.writeScreenshot=true} it writes the timeline's screenshot to {@code docs/console.png}.
 */
class ConsoleBrowserTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("console-node", t -> t);

    static final String CHROMIUM = System.getProperty("chartbridge.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("chartbridge.chromedriver", "/usr/bin/chromedriver");
    static final String ANA = "urn:chartbridge:sim:mrn|1003";

    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void openBrowser() {
        boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (!present) {
            String reason = "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is not installed"
                    + " (apt-get install -y chromium chromium-driver)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        // The system's chromedriver, named: Selenium Manager never downloads anything.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1100", "--no-first-run", "--disable-extensions");
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void an_operator_finds_a_failed_write_reads_why_retries_it_to_verified_and_approves_a_medication_change()
            throws IOException {
        env.ehr().faults().errorRate(1.0, 503, null, true);
        String failed = submit(Events.bloodPressureSpread(2));
        assertThat(env.gateway().awaitSettled(failed).at("/operations/0/state").asText()).isEqualTo("DEAD");
        String held = submit(Events.of("medication-change"));

        signIn("Dr Lee");
        assertThat(browser.findElement(By.id("tenant")).getText()).isEqualTo(TestGateway.TENANT);

        // Find the event by the patient's identifier and open its timeline.
        go("/console/events");
        browser.findElement(By.id("patient")).sendKeys(ANA);
        browser.findElement(By.id("find")).click();
        wait.until(d -> !d.findElements(By.cssSelector("tr[data-event='" + failed + "']")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#results tbody tr"))).hasSize(1);
        browser.findElement(By.cssSelector("tr[data-event='" + failed + "'] a.event-link")).click();
        WebElement write = wait.until(d -> d.findElement(By.cssSelector("section.operation")));

        // Why it failed: the state, the error class and detail, and each attempt's answer.
        assertThat(write.getAttribute("data-state")).isEqualTo("DEAD");
        assertThat(write.findElement(By.cssSelector(".error-class")).getText()).isEqualTo("TRANSIENT");
        assertThat(write.findElement(By.cssSelector(".error-detail")).getText()).isNotBlank();
        List<String> statuses = write.findElements(By.cssSelector("table.attempts tbody tr td:nth-child(5)"))
                .stream().map(WebElement::getText).toList();
        assertThat(statuses).isNotEmpty().contains("503");
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'console.viewed' AND event_id = '"
                + failed + "' AND actor LIKE '% console:Dr Lee'")).isEqualTo(1);

        // The EHR recovers; the operator retries the write from the review queue.
        env.ehr().faults().clear();
        write.findElement(By.linkText("Act on it in the review queue")).click();
        String op = env.gateway().status(failed).body().at("/operations/0/id").asText();
        WebElement item = wait.until(d -> d.findElement(By.id("op-" + op)));
        item.findElement(By.name("reason")).sendKeys("the EHR is answering again");
        item.findElement(By.cssSelector("button.retry")).click();
        assertThat(wait.until(d -> d.findElement(By.id("notice"))).getText()).contains("DEAD").contains("DUE");
        JsonNode settled = env.gateway().awaitSettled(failed);
        assertThat(settled.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        go("/console/events/" + failed);
        assertThat(browser.findElement(By.cssSelector("section.operation")).getAttribute("data-state"))
                .isEqualTo("VERIFIED");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("review.retry")
                .contains("the EHR is answering again");
        screenshot();

        // A second clinician approves the held medication change; its write goes out and is verified.
        go("/console/review");
        WebElement approval = browser.findElement(By.cssSelector("form.approval[data-event='" + held + "']"));
        approval.findElement(By.name("approverNpi")).sendKeys("1245319599");
        new Select(approval.findElement(By.name("role"))).selectByValue("pharmacist");
        approval.findElement(By.name("statement")).sendKeys("Reviewed dose and interactions; approved.");
        approval.findElement(By.cssSelector("button.approve")).click();
        assertThat(wait.until(d -> d.findElement(By.id("notice"))).getText()).contains("Approved: 1 write");
        assertThat(env.gateway().awaitSettled(held).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(browser.findElements(By.cssSelector("form.approval[data-event='" + held + "']"))).isEmpty();
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE event_id = '" + held
                + "' AND action = 'event.approved' AND actor LIKE '% console:Dr Lee'")).isEqualTo(1);
    }

    @Test
    void the_dashboard_shows_each_connection_with_its_health_and_figures() {
        signIn("Ops One");
        go("/console/dashboard");
        WebElement row = browser.findElement(By.cssSelector("tr[data-connection='" + TestGateway.TARGET + "']"));
        assertThat(row.getText()).contains("fhir-r4");
        wait.until(d -> {
            d.navigate().refresh();
            return !d.findElement(By.cssSelector("tr[data-connection='" + TestGateway.TARGET + "'] .badge"))
                    .getText().equals("pending");
        });
        assertThat(browser.findElement(By.cssSelector("tr[data-connection='" + TestGateway.TARGET + "'] .badge"))
                .getText()).isIn("up", "down", "unchecked");
    }

    /** Signs in through the form (a fresh session each time). */
    private static void signIn(String operator) {
        browser.manage().deleteAllCookies();
        go("/console");
        wait.until(d -> d.getCurrentUrl().endsWith("/console/login"));
        browser.findElement(By.id("operator")).sendKeys(operator);
        browser.findElement(By.id("apiKey")).sendKeys(TestGateway.KEY);
        browser.findElement(By.id("sign-in")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
    }

    private static void go(String path) {
        browser.get("http://127.0.0.1:" + env.gateway().gateway().port() + path);
    }

    private static String submit(com.fasterxml.jackson.databind.node.ObjectNode event) {
        ApiClient.Answer a = env.gateway().submit(event, null);
        assertThat(a.status()).as(a.text()).isEqualTo(202);
        return a.body().get("id").asText();
    }

    /** With -Dchartbridge.writeScreenshot=true: the page as the browser shows it, into docs/console.png. */
    private static void screenshot() throws IOException {
        if (!Boolean.getBoolean("chartbridge.writeScreenshot")) {
            return;
        }
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path docs = Path.of("..", "docs").toAbsolutePath().normalize();
        Files.copy(png, docs.resolve("console.png"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote " + docs.resolve("console.png"));
    }
}
