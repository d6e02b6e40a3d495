package io.certdesk.rollover;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.lifecycle.LifecycleService;
import io.certdesk.notify.Notifier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Reminds the operators (the rollover approver group's members with an address, and
 * {@code certdesk.ca-rollover.operator-address}) of an issuing CA's expiry, once per configured offset
 * (default 180, 90 and 30 days before). A node that finds several offsets due at once (first start close to
 * expiry) sends one mail, for the nearest. The days left are counted as in a certificate's expiry reminder
 * ({@link LifecycleService#daysLeft}). Run by the lifecycle sweep ({@code Task_RemindOperatorsOfCaExpiry}).
 */
@Configuration
public class CaExpiryReminders {

    private static final Logger log = LoggerFactory.getLogger(CaExpiryReminders.class);

    private final CertificateAuthorities authorities;
    private final CaGenerations generations;
    private final IdentityService identity;
    private final Notifier notifier;
    private final CertdeskProperties properties;
    private final Clock clock;
    private final Set<String> loggedWithoutAddress = ConcurrentHashMap.newKeySet();

    public CaExpiryReminders(CertificateAuthorities authorities, CaGenerations generations, IdentityService identity, Notifier notifier,
                             CertdeskProperties properties, Clock clock) {
        this.authorities = authorities;
        this.generations = generations;
        this.identity = identity;
        this.notifier = notifier;
        this.properties = properties;
        this.clock = clock;
    }

    @Bean
    JavaDelegate remindOperatorsOfCaExpiry() {
        return execution -> sendDue();
    }

    /** Sends the reminders due now; how many mails were sent. */
    public int sendDue() {
        Instant now = clock.instant();
        int sent = 0;
        for (String environment : authorities.environments()) {
            CertificateAuthority ca = authorities.get(environment);
            Instant notAfter = ca.certificate().getNotAfter().toInstant();
            long daysLeft = LifecycleService.daysLeft(now, notAfter);
            List<Integer> due = properties.caRollover().reminderDays().stream().filter(days -> daysLeft <= days)
                    .filter(days -> !generations.expiryReminderSent(environment, ca.generation(), days))
                    .sorted().toList();
            if (due.isEmpty()) {
                continue;
            }
            boolean claimedNearest = generations.claimExpiryReminder(environment, ca.generation(), due.get(0), now);
            due.stream().skip(1).forEach(days -> generations.claimExpiryReminder(environment, ca.generation(), days, now));
            if (!claimedNearest) {
                continue;
            }
            List<String> to = operators();
            if (to.isEmpty()) {
                log.warn("CA of '{}' expires on {} ({} days), but no operator has a mail address: set certdesk.ca-rollover.operator-address",
                        environment, notAfter, daysLeft);
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            values.put("environment", environment);
            values.put("caSubject", ca.certificate().getSubjectX500Principal().getName());
            values.put("caFingerprint", ca.sha256Fingerprint());
            values.put("generation", String.valueOf(ca.generation()));
            values.put("notAfter", notAfter.toString());
            values.put("daysLeft", daysLeft == 1 ? "1 day" : daysLeft + " days");
            values.put("adminUrl", properties.publicUrl() + "/admin/ca-rollovers");
            values.put("tasklistUrl", properties.publicUrl() + "/camunda/app/tasklist/");
            values.put("approverGroup", properties.caRollover().approverGroup());
            values.put("defaultOverlapDays", String.valueOf(properties.caRollover().defaultOverlap().toDays()));
            notifier.notice("ca-expiry-reminder", "CA " + environment + " generation " + ca.generation(), to, values);
            log.info("operators reminded that the CA of '{}' expires in {} days", environment, daysLeft);
            sent++;
        }
        return sent;
    }

    private List<String> operators() {
        Set<String> to = new LinkedHashSet<>();
        for (User user : identity.createUserQuery().memberOfGroup(properties.caRollover().approverGroup()).list()) {
            if (user.getEmail() != null && !user.getEmail().isBlank()) {
                to.add(user.getEmail());
            } else if (loggedWithoutAddress.add(user.getId())) {
                log.info("operator {} has no mail address and receives no CA expiry reminders", user.getId());
            }
        }
        String configured = properties.caRollover().operatorAddress();
        if (configured != null && !configured.isBlank()) {
            to.add(configured);
        }
        return new ArrayList<>(to);
    }
}
