package io.certdesk.web;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Logins with a password ({@code certdesk.logins.*}): HTTP Basic on {@code /engine-rest}, {@code /admin} and
 * {@code /actuator/prometheus}, and the Tasklist's and Cockpit's login form.
 *
 * @param maxFailures how many failed logins one client address may make within {@code window}; beyond that its
 *                    logins are answered 429 without a password being checked, until the oldest failure is older than
 *                    {@code window}
 * @param window      how long a failed login counts
 */
@Validated
@ConfigurationProperties("certdesk.logins")
public record LoginSettings(
        @DefaultValue("10") @Min(1) int maxFailures,
        @DefaultValue("10m") Duration window) {
}
