package io.certdesk.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.certdesk.authority.RevocationReason;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.revocation.RevocationService;
import org.camunda.bpm.engine.RuntimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Expiry reminders, expiry and rotation. Every step selects only what is due through an index, and starts one
 * process per due item in the same transaction that removes it from the due list: nothing is sent twice, and
 * nothing is lost across restarts or nodes.
 */
@Service
public class LifecycleService {

    private static final Logger log = LoggerFactory.getLogger(LifecycleService.class);

    private final ExpiryReminders reminders;
    private final CertificateInventory inventory;
    private final RevocationService revocations;
    private final RuntimeService runtime;
    private final CertdeskProperties.Lifecycle settings;
    private final Clock clock;

    public LifecycleService(ExpiryReminders reminders, CertificateInventory inventory, RevocationService revocations,
                            RuntimeService runtime, CertdeskProperties properties, Clock clock) {
        this.reminders = reminders;
        this.inventory = inventory;
        this.revocations = revocations;
        this.runtime = runtime;
        this.settings = properties.lifecycle();
        this.clock = clock;
    }

    /**
     * Whole days left until {@code notAfter}, as an expiry reminder says it: a started day counts as a day, and a
     * certificate that expires within the day, or already has, has 1 day left (a reminder never says 0).
     */
    public static long daysLeft(Instant now, Instant notAfter) {
        long hours = Duration.between(now, notAfter).toHours();
        return Math.max(1, hours / 24 + (hours % 24 > 0 ? 1 : 0));
    }

    /** Plans the reminders of a new certificate: one per configured offset that still lies ahead. */
    @Transactional
    public void scheduleReminders(IssuedCertificate certificate) {
        for (int days : settings.reminderDays().stream().distinct().toList()) {
            Instant due = certificate.notAfter().minus(Duration.ofDays(days));
            if (due.isAfter(certificate.issuedAt())) {
                reminders.schedule(certificate.serial(), days, due);
            }
        }
    }

    /** The certificate {@code newSerial} renews {@code oldSerial}: reminders stop, revocation follows after the grace period. */
    @Transactional
    public Instant supersede(String oldSerial, String newSerial) {
        Instant revokeAt = clock.instant().plus(settings.supersedeGrace());
        if (inventory.markSuperseded(oldSerial, newSerial, revokeAt)) {
            reminders.cancelAll(oldSerial);
            return revokeAt;
        }
        return null;
    }

    /**
     * Starts the due reminders. When several offsets of one certificate are due at once (certdesk was down),
     * only the nearest to expiry is sent: one mail that says how long is left, not a burst of stale ones.
     */
    @Transactional
    public int startDueReminders() {
        Map<String, ExpiryReminders.Due> nearest = new LinkedHashMap<>();
        for (ExpiryReminders.Due due : reminders.due(clock.instant(), settings.maxPerSweep())) {
            if (reminders.take(due)) {
                nearest.merge(due.serial(), due, (a, b) -> a.daysBefore() <= b.daysBefore() ? a : b);
            }
        }
        int started = 0;
        for (ExpiryReminders.Due due : nearest.values()) {
            IssuedCertificate certificate = inventory.findBySerial(due.serial()).orElse(null);
            if (certificate == null || certificate.status() != IssuedCertificate.Status.ACTIVE) {
                continue;
            }
            runtime.startProcessInstanceByKey(LifecycleProcesses.REMINDER, certificate.serial(), Map.of(
                    LifecycleProcesses.SERIAL, certificate.serial(),
                    LifecycleProcesses.DAYS_BEFORE, due.daysBefore()));
            started++;
        }
        return started;
    }

    @Transactional
    public int expireCertificates() {
        int expired = 0;
        for (IssuedCertificate certificate : inventory.findExpired(clock.instant(), settings.maxPerSweep())) {
            if (inventory.markExpired(certificate.serial())) {
                reminders.cancelAll(certificate.serial());
                runtime.startProcessInstanceByKey(LifecycleProcesses.EXPIRY, certificate.serial(), Map.of(
                        LifecycleProcesses.SERIAL, certificate.serial(),
                        LifecycleProcesses.ORGANIZATION_ID, certificate.organizationId(),
                        LifecycleProcesses.ENVIRONMENT, certificate.environment(),
                        LifecycleProcesses.SUBJECT, certificate.subject(),
                        LifecycleProcesses.NOT_AFTER, Date.from(certificate.notAfter())));
                expired++;
            }
        }
        return expired;
    }

    @Transactional
    public int revokeSupersededCertificates() {
        List<IssuedCertificate> due = inventory.findSupersededDue(clock.instant(), settings.maxPerSweep());
        for (IssuedCertificate certificate : due) {
            inventory.clearSupersedeDue(certificate.serial());
            revocations.start(certificate.serial(), RevocationReason.SUPERSEDED, RevocationService.Source.SYSTEM,
                    "certdesk (renewed by " + certificate.supersededBy() + ")", null);
        }
        if (!due.isEmpty()) {
            log.info("Started revocation of {} superseded certificate(s)", due.size());
        }
        return due.size();
    }
}
