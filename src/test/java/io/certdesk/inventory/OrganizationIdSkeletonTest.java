package io.certdesk.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which organization ids a person cannot tell apart, and which they can. */
class OrganizationIdSkeletonTest {

    @ParameterizedTest
    @CsvSource({"acme-42, ACME-42", "acme-42, acme_42", "acme-42, acme.42", "acme-42, acme--42", "acme-42, -acme-42.", "acme-42, acme42",
            "acme-42, acme-042", "acme-42, acrne-42", "acme-41, acme-4l", "acme-41, acme-4I", "bolt-7, b0lt-7", "wave-1, vvave-1"})
    void readAlike(String one, String other) {
        assertThat(Organizations.skeleton(other)).isEqualTo(Organizations.skeleton(one));
    }

    @ParameterizedTest
    @CsvSource({"acme-42, acme-43", "acme-42, acme-420", "acme-42, acme-42x", "acme-42, acme-4-2x", "nuvy, nuvo"})
    void readApart(String one, String other) {
        assertThat(Organizations.skeleton(other)).isNotEqualTo(Organizations.skeleton(one));
    }
}
