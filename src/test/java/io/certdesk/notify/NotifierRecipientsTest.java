package io.certdesk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** certdesk mails one mailbox per recipient it was given: a group or a list written as one address mails no one. */
class NotifierRecipientsTest {

    @ParameterizedTest
    @ValueSource(strings = {"jane@acme.test", "Jane Roe <jane@acme.test>", "\"Roe, Jane\" <jane@acme.test>"})
    void oneMailboxIsMailed(String recipient) {
        assertThat(Notifier.oneMailbox(recipient)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"friends: alice@one.test, bob@two.test;", "alice@one.test, bob@two.test", "undisclosed-recipients:;",
            "not an address", "alice@one.test bob@two.test"})
    void aGroupAListOrNoAddressIsNotMailed(String recipient) {
        assertThat(Notifier.oneMailbox(recipient)).isFalse();
    }

    @Test
    void aListWithAHeaderAfterALineBreakIsNotMailed() {
        assertThat(Notifier.oneMailbox("a@b.test,\r\nX-Injected: yes")).isFalse();
    }
}
