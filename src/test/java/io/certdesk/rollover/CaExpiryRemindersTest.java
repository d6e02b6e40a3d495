package io.certdesk.rollover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.notify.Notifier;
import io.certdesk.support.TestPki;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;

/** The days left an operator's CA expiry reminder states: counted as a certificate's expiry reminder counts them. */
class CaExpiryRemindersTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @ParameterizedTest(name = "CA expires {0}: \"{1}\"")
    @CsvSource({
            "2027-01-02T12:00:00Z, 30 days",
            "2027-01-01T13:00:00Z, 30 days",
            "2026-12-05T12:00:00Z, 2 days",
            "2026-12-04T13:00:00Z, 2 days",
            "2026-12-04T12:00:00Z, 1 day",
            "2026-12-03T13:00:00Z, 1 day",
            // the last hour: still "1 day", never "0 days"
            "2026-12-03T12:30:00Z, 1 day",
    })
    void theReminderSaysTheDaysLeftAsACertificatesReminderDoes(Instant notAfter, String daysLeft) {
        TestPki.Issued root = TestPki.root("CN=certdesk qa CA", NOW.minus(Duration.ofDays(365)), notAfter);
        CertificateAuthorities authorities = mock(CertificateAuthorities.class);
        when(authorities.environments()).thenReturn(Set.of("qa"));
        when(authorities.get("qa")).thenReturn(new CertificateAuthority("qa", root.certificate(), root.keys().getPrivate()));
        CaGenerations generations = mock(CaGenerations.class);
        when(generations.claimExpiryReminder(anyString(), anyInt(), anyInt(), any())).thenReturn(true);
        IdentityService identity = mock(IdentityService.class, RETURNS_DEEP_STUBS);
        when(identity.createUserQuery().memberOfGroup(anyString()).list()).thenReturn(List.of());
        CertdeskProperties properties = mock(CertdeskProperties.class);
        when(properties.caRollover()).thenReturn(new CertdeskProperties.CaRollover("camunda-admin", "operators@certdesk.test",
                List.of(180, 90, 30), Duration.ofDays(365), Duration.ofDays(7), List.of()));
        when(properties.publicUrl()).thenReturn("https://certdesk.test");
        Notifier notifier = mock(Notifier.class);

        int sent = new CaExpiryReminders(authorities, generations, identity, notifier, properties, Clock.fixed(NOW, ZoneOffset.UTC))
                .sendDue();

        assertThat(sent).isEqualTo(1);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Map<String, String>> values = ArgumentCaptor.forClass(Map.class);
        verify(notifier).notice(eq("ca-expiry-reminder"), anyString(), eq(List.of("operators@certdesk.test")), values.capture());
        assertThat(values.getValue()).containsEntry("daysLeft", daysLeft);
    }
}
