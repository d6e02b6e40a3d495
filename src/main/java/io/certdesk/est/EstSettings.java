package io.certdesk.est;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * EST (RFC 7030) enrollment over mutual TLS ({@code certdesk.est.*}).
 *
 * @param enabled       whether the EST listeners run
 * @param ports         one HTTPS port per environment (its server certificate comes from that environment's CA)
 * @param renewalWindow how long before a certificate's notAfter its re-enrollment is issued without an approver
 * @param retryAfter    what a client waiting for an approver is told to wait before asking again
 * @param requestsPerDay how many new requests (new CSRs) one client certificate may make within 24 hours; asking again
 *                      for an answer with the same CSR is not counted
 */
@Validated
@ConfigurationProperties("certdesk.est")
public record EstSettings(
        @DefaultValue("true") boolean enabled,
        Map<String, Integer> ports,
        @DefaultValue("30d") Duration renewalWindow,
        @DefaultValue("5m") Duration retryAfter,
        @DefaultValue("10") @Min(1) int requestsPerDay) {

    public Map<String, Integer> portsOrNone() {
        return ports == null || !enabled ? Map.of() : ports;
    }
}
