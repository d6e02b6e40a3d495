package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.inventory.IssuedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApprovalFactsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ApproverView view = new ApproverView(null, null, json);

    private static Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("subject", "C=NL,O=ACME BV,CN=acme-42");
        facts.put("keyDescription", "EC P-384 (384 bits)");
        return facts;
    }

    private static List<Map<String, String>> certificates(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of("serial", "SERIAL-" + i, "subject", "C=NL,O=ACME BV,OU=API Client,CN=acme-42",
                "notAfter", "2027-12-02T14:12:21Z", "request", "CR-2026-" + i)).toList();
    }

    @Test
    void keepsEverythingThatFitsAVariable() throws Exception {
        String text = view.toJson(facts(), List.of(Map.of("severity", "NOTE", "code", "RENEWAL", "message", "Renews 1")), certificates(3));
        Map<String, Object> read = json.readValue(text, new TypeReference<Map<String, Object>>() { });
        assertThat(read.get("subject")).isEqualTo("C=NL,O=ACME BV,CN=acme-42");
        assertThat((List<?>) read.get("certificates")).hasSize(3);
        assertThat((List<?>) read.get("findings")).hasSize(1);
        assertThat(read).doesNotContainKeys("certificatesNotShown", "findingsNotShown");
    }

    @Test
    void dropsTheOldestCertificatesFirstAndSaysHowMany() throws Exception {
        List<Map<String, String>> findings = List.of(Map.of("severity", "WARNING", "code", "CONTACT_NOT_REGISTERED", "message", "x".repeat(500)));
        String text = view.toJson(facts(), findings, certificates(40));
        assertThat(text.length()).isLessThanOrEqualTo(ApproverView.MAX_VARIABLE_LENGTH);
        Map<String, Object> read = json.readValue(text, new TypeReference<Map<String, Object>>() { });
        List<?> shown = (List<?>) read.get("certificates");
        assertThat(read.get("certificatesNotShown")).isEqualTo(40 - shown.size());
        assertThat(shown.get(shown.size() - 1).toString()).as("the newest stays").contains("SERIAL-39");
        assertThat((List<?>) read.get("findings")).as("findings give way only after every certificate").hasSize(1);
    }

    @Test
    void dropsTheOldestFindingsWhenNoCertificatesAreLeft() throws Exception {
        List<Map<String, String>> findings = IntStream.range(0, 30).mapToObj(i -> Map.of("severity", "NOTE", "code", "RENEWAL",
                "message", "Renews certificate " + i + " " + "y".repeat(200))).toList();
        String text = view.toJson(facts(), findings, certificates(5));
        assertThat(text.length()).isLessThanOrEqualTo(ApproverView.MAX_VARIABLE_LENGTH);
        Map<String, Object> read = json.readValue(text, new TypeReference<Map<String, Object>>() { });
        assertThat(read.get("certificatesNotShown")).isEqualTo(5);
        List<?> shown = (List<?>) read.get("findings");
        assertThat(read.get("findingsNotShown")).isEqualTo(30 - shown.size());
        assertThat(shown.get(shown.size() - 1).toString()).contains("Renews certificate 29");
    }

    private static CertificateRequest request(List<PolicyFinding> findings) {
        return new CertificateRequest(7, "CR-2026-000007", Instant.parse("2026-12-01T10:00:00Z"), "<m@acme.test>", "CSR",
                "it@acme.test", "IT", "acme-42", "ACME BV", "qa", "Ops", "ops@acme.test", "-----BEGIN CERTIFICATE REQUEST-----",
                List.of(), List.of(), "acme-42", "ACME BV", "qa", "C=NL,O=ACME BV,OU=API Client,CN=acme-42",
                "EC P-384 (384 bits)", "ab:cd", findings, CertificateRequest.Status.AWAITING_APPROVAL, null, null, null, null,
                List.of(), null, null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "new   | New organization acme-42 asks for a qa client certificate for C=NL,O=ACME BV,OU=API Client,CN=acme-42 (EC P-384 (384 bits)). Decide: approve and sign, or reject with a reason.",
            "known | Known organization acme-42 asks for a qa client certificate for C=NL,O=ACME BV,OU=API Client,CN=acme-42 (EC P-384 (384 bits)). Decide: approve and sign, or reject with a reason.",
    })
    void theSummarySaysWhetherTheOrganizationIsNewAndWhatItAsksFor(String organizationStatus, String summary) {
        assertThat(view.describe(request(List.of()), organizationStatus, "issued", List.of()).summary()).isEqualTo(summary);
    }

    @Test
    void theFactsHoldTheRequestItsFindingsAndTheOrganizationsCertificates() throws Exception {
        IssuedCertificate earlier = new IssuedCertificate("0A1B", "qa", "CR-2026-000001", "acme-42", "C=NL,O=ACME BV,OU=API Client,CN=acme-42",
                "ab:cd", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"), IssuedCertificate.Status.ACTIVE,
                "-----BEGIN CERTIFICATE-----", Instant.parse("2026-01-01T00:05:00Z"), null, null);
        String facts = view.describe(request(List.of(PolicyFinding.note("RENEWAL", "Renews 0A1B"))), "known",
                "EC P-384, clientAuth, 365 days", List.of(earlier)).facts();
        assertThat(facts).isEqualTo("{\"organizationStatus\":\"known\",\"companyName\":\"ACME BV\",\"contacts\":\"ops@acme.test, it@acme.test\","
                + "\"subject\":\"C=NL,O=ACME BV,OU=API Client,CN=acme-42\",\"keyDescription\":\"EC P-384 (384 bits)\","
                + "\"publicKeySha256\":\"ab:cd\",\"issuance\":\"EC P-384, clientAuth, 365 days\","
                + "\"findings\":[{\"severity\":\"NOTE\",\"code\":\"RENEWAL\",\"message\":\"Renews 0A1B\"}],"
                + "\"certificates\":[{\"serial\":\"0A1B\",\"environment\":\"qa\",\"status\":\"ACTIVE\","
                + "\"notAfter\":\"2027-01-01T00:00:00Z\",\"subject\":\"C=NL,O=ACME BV,OU=API Client,CN=acme-42\","
                + "\"request\":\"CR-2026-000001\"}]}");
    }
}
