package io.certdesk.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.h2.mvstore.RandomAccessStore;
import org.junit.jupiter.api.Test;

/**
 * The tests run certdesk with Java assertions on, and H2 without its own, as H2 runs in production: an internal H2
 * check of the file length in use failed now and then under the suite's load and closed the shared test database,
 * failing every test after it.
 */
class TestAssertionsTest {

    @Test
    void certdesksAssertionsAreOnAndH2sAreOff() {
        assertThat(TestAssertionsTest.class.desiredAssertionStatus()).as("certdesk's").isTrue();
        assertThat(RandomAccessStore.class.desiredAssertionStatus()).as("H2's").isFalse();
    }
}
