package io.certdesk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DaysLeftTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @ParameterizedTest(name = "expires {0}: {1} day(s) left")
    @CsvSource({
            "2027-01-02T12:00:00Z, 30",
            "2027-01-02T12:59:59Z, 30",
            "2027-01-02T13:00:00Z, 31",
            "2027-01-02T11:00:00Z, 30",
            "2027-01-02T10:59:59Z, 30",
            "2026-12-04T12:00:00Z, 1",
            "2026-12-04T13:00:00Z, 2",
            "2026-12-03T13:00:00Z, 1",
            "2026-12-03T12:30:00Z, 1",
            "2026-12-03T12:00:00Z, 1",
            "2026-12-01T12:00:00Z, 1",
    })
    void countsAStartedDayAsADayAndNeverSaysNone(Instant notAfter, long daysLeft) {
        assertThat(LifecycleService.daysLeft(NOW, notAfter)).isEqualTo(daysLeft);
    }
}
