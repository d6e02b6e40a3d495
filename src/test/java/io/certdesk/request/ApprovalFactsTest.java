package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ApprovalFactsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ValidateRequestDelegate delegate = new ValidateRequestDelegate(null, null, json);

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
        String text = delegate.toJson(facts(), List.of(Map.of("severity", "NOTE", "code", "RENEWAL", "message", "Renews 1")), certificates(3));
        Map<String, Object> read = json.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        assertThat(read.get("subject")).isEqualTo("C=NL,O=ACME BV,CN=acme-42");
        assertThat((List<?>) read.get("certificates")).hasSize(3);
        assertThat((List<?>) read.get("findings")).hasSize(1);
        assertThat(read).doesNotContainKeys("certificatesNotShown", "findingsNotShown");
    }

    @Test
    void dropsTheOldestCertificatesFirstAndSaysHowMany() throws Exception {
        List<Map<String, String>> findings = List.of(Map.of("severity", "WARNING", "code", "CONTACT_NOT_REGISTERED", "message", "x".repeat(500)));
        String text = delegate.toJson(facts(), findings, certificates(40));
        assertThat(text.length()).isLessThanOrEqualTo(ValidateRequestDelegate.MAX_VARIABLE_LENGTH);
        Map<String, Object> read = json.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        List<?> shown = (List<?>) read.get("certificates");
        assertThat(read.get("certificatesNotShown")).isEqualTo(40 - shown.size());
        assertThat(shown.get(shown.size() - 1).toString()).as("the newest stays").contains("SERIAL-39");
        assertThat((List<?>) read.get("findings")).as("findings give way only after every certificate").hasSize(1);
    }

    @Test
    void dropsTheOldestFindingsWhenNoCertificatesAreLeft() throws Exception {
        List<Map<String, String>> findings = IntStream.range(0, 30).mapToObj(i -> Map.of("severity", "NOTE", "code", "RENEWAL",
                "message", "Renews certificate " + i + " " + "y".repeat(200))).toList();
        String text = delegate.toJson(facts(), findings, certificates(5));
        assertThat(text.length()).isLessThanOrEqualTo(ValidateRequestDelegate.MAX_VARIABLE_LENGTH);
        Map<String, Object> read = json.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        assertThat(read.get("certificatesNotShown")).isEqualTo(5);
        List<?> shown = (List<?>) read.get("findings");
        assertThat(read.get("findingsNotShown")).isEqualTo(30 - shown.size());
        assertThat(shown.get(shown.size() - 1).toString()).contains("Renews certificate 29");
    }
}
