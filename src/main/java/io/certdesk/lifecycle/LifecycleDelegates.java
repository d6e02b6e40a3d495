package io.certdesk.lifecycle;

import java.time.Clock;
import java.util.stream.Collectors;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.notify.Notifier;
import io.certdesk.revocation.RevocationService;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The lifecycle processes' service tasks. */
@Configuration
public class LifecycleDelegates {

    @Bean
    JavaDelegate startDueReminders(LifecycleService lifecycle) {
        return execution -> lifecycle.startDueReminders();
    }

    @Bean
    JavaDelegate expireCertificates(LifecycleService lifecycle) {
        return execution -> lifecycle.expireCertificates();
    }

    @Bean
    JavaDelegate revokeSupersededCertificates(LifecycleService lifecycle) {
        return execution -> lifecycle.revokeSupersededCertificates();
    }

    /** {@code Task_SendExpiryReminder}: to the organization's technical contacts as they are now. */
    @Bean
    JavaDelegate sendExpiryReminder(CertificateInventory inventory, RevocationService revocations, Notifier notifier,
                                    CertdeskProperties properties, Clock clock, MeterRegistry metrics,
                                    ObjectProvider<SelfRenewal> selfRenewal) {
        return execution -> {
            String serial = LifecycleProcesses.serial(execution);
            IssuedCertificate certificate = inventory.findBySerial(serial).orElseThrow();
            if (certificate.status() != IssuedCertificate.Status.ACTIVE) {
                return;
            }
            String[] key = RotationCommands.newKeyCommand(certificate.certificatePem());
            long daysLeft = LifecycleService.daysLeft(clock.instant(), certificate.notAfter());
            String schedule = properties.lifecycle().reminderDays().stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + " days";
            notifier.expiryReminder(revocations.contactsOf(certificate), serial, certificate.organizationId(),
                    certificate.environment(), certificate.subject(), RotationCommands.subjectForOpenssl(certificate.subject()),
                    certificate.notAfter(), daysLeft, key[0], key[1], schedule,
                    selfRenewal.stream().map(way -> way.instructions(certificate)).collect(Collectors.joining()));
            metrics.counter("certdesk.reminders.sent").increment();
        };
    }
}
