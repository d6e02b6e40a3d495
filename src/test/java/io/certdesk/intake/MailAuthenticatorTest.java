package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.certdesk.request.MailAuthenticity;
import io.certdesk.support.Mailbox;
import io.certdesk.support.MovableClock;
import io.certdesk.support.TestDkim;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.junit.jupiter.api.Test;

/** What certdesk concludes about a mail's sender from its DKIM signatures and a trusted server's Authentication-Results. */
class MailAuthenticatorTest {

    private static final MailAuthenticator AUTHENTICATOR = new MailAuthenticator(new MailAuthenticator.Settings(
            Map.of(TestDkim.recordName(), TestDkim.record()), false, "mx.certdesk.test"), domain -> false);

    private static byte[] mail(String from, String body) throws Exception {
        return Mailbox.render(Mailbox.from(from).subject("Certificate request").body(body));
    }

    private static MailAuthenticity check(byte[] raw, String from) {
        return AUTHENTICATOR.check(raw, from);
    }

    @Test
    void aMailSignedByItsSendersDomainIsAuthenticated() throws Exception {
        byte[] signed = TestDkim.sign(mail("jane@dkim.test", "Organization ID: acme\n"));
        MailAuthenticity verdict = check(signed, "jane@dkim.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.PASS);
        assertThat(verdict.domain()).isEqualTo("dkim.test");
        assertThat(verdict.detail()).contains("dkim.test").contains("verifies");
    }

    @Test
    void aSignatureByAParentDomainSpeaksForItsSubdomains() throws Exception {
        byte[] signed = TestDkim.sign(mail("jane@eu.dkim.test", "hello\n"));
        assertThat(check(signed, "jane@eu.dkim.test").result()).isEqualTo(MailAuthenticity.Result.PASS);
    }

    @Test
    void anUnsignedMailIsNotAuthenticated() throws Exception {
        MailAuthenticity verdict = check(mail("jane@dkim.test", "hello\n"), "jane@dkim.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.NONE);
        assertThat(verdict.detail()).contains("no DKIM signature");
    }

    @Test
    void aMailSignedWithAnotherKeyThanTheDomainPublishesFails() throws Exception {
        byte[] forged = TestDkim.sign(mail("jane@dkim.test", "hello\n"), TestDkim.DOMAIN, TestDkim.rsa().getPrivate());
        MailAuthenticity verdict = check(forged, "jane@dkim.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(verdict.detail()).contains("does not verify");
    }

    @Test
    void aMailWhoseBodyWasChangedAfterSigningFails() throws Exception {
        byte[] signed = TestDkim.sign(mail("jane@dkim.test", "Organization ID: acme\n"));
        byte[] changed = new String(signed, StandardCharsets.ISO_8859_1).replace("Organization ID: acme", "Organization ID: evil")
                .getBytes(StandardCharsets.ISO_8859_1);
        MailAuthenticity verdict = check(changed, "jane@dkim.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(verdict.detail()).containsIgnoringCase("body");
    }

    @Test
    void aMailFromAnotherDomainThanTheSignatureIsNotAuthenticated() throws Exception {
        byte[] signed = TestDkim.sign(mail("ceo@victim.test", "hello\n"));
        MailAuthenticity verdict = check(signed, "ceo@victim.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(verdict.detail()).contains("by dkim.test verifies, but the mail is from victim.test");
    }

    @Test
    void theTrustedReceivingServersResultsCountWithTheirSpfAndDmarc() throws Exception {
        byte[] raw = Mailbox.render(Mailbox.from("jane@acme.test").header("Authentication-Results",
                "mx.certdesk.test; dkim=pass header.d=acme.test header.s=k1; spf=pass smtp.mailfrom=acme.test; dmarc=pass header.from=acme.test"));
        MailAuthenticity verdict = check(raw, "jane@acme.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.PASS);
        assertThat(verdict.detail()).contains("mx.certdesk.test").contains("SPF pass").contains("DMARC pass");
    }

    @Test
    void authenticationResultsOfAnyOtherServerAreIgnored() throws Exception {
        byte[] raw = Mailbox.render(Mailbox.from("jane@acme.test").header("Authentication-Results",
                "mx.forger.test; dkim=pass header.d=acme.test; spf=pass; dmarc=pass"));
        assertThat(check(raw, "jane@acme.test").result()).isEqualTo(MailAuthenticity.Result.NONE);
    }

    @Test
    void aTrustedServersFailingVerdictIsNotAPass() throws Exception {
        byte[] raw = Mailbox.render(Mailbox.from("jane@acme.test").header("Authentication-Results",
                "mx.certdesk.test; dkim=fail header.d=acme.test; dmarc=fail header.from=acme.test"));
        MailAuthenticity verdict = check(raw, "jane@acme.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(verdict.detail()).contains("DMARC fail");
    }

    /** Signs {@code raw} once more "by" {@code domain}, with a key of the test's: only the look-up of its key matters. */
    private static byte[] signedBy(byte[] raw, String domain) throws Exception {
        return TestDkim.sign(raw, domain, TestDkim.KEYS.getPrivate());
    }

    /** An authenticator whose DNS finds no key anywhere, and notes each domain it was asked for in {@code lookedUp}. */
    private static MailAuthenticator findingNoKey(List<String> lookedUp) {
        return new MailAuthenticator(new MailAuthenticator.Settings(Map.of(), true, ""), (method, selector, domain) -> {
            lookedUp.add(String.valueOf(domain));
            throw new PermFailException("no such key");
        }, Clock.systemUTC(), domain -> false);
    }

    @Test
    void signaturesByDomainsThatAreNotTheSendersCostNoDnsLookUp() throws Exception {
        List<String> lookedUp = new ArrayList<>();
        MailAuthenticator authenticator = findingNoKey(lookedUp);
        byte[] raw = mail("mallory@attacker.test", "Organization ID: acme\n");
        for (int i = 1; i <= 4; i++) {
            raw = signedBy(raw, "slow-" + i + ".example");
        }
        raw = signedBy(raw, "attacker.test");
        MailAuthenticity verdict = authenticator.check(raw, "mallory@attacker.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(lookedUp).as("only the sender's own domain is looked up").containsExactly("attacker.test");
    }

    @Test
    void aMailWithMoreSignaturesThanRealMailCarriesIsNotVerifiedAtAll() throws Exception {
        List<String> lookedUp = new ArrayList<>();
        MailAuthenticator authenticator = findingNoKey(lookedUp);
        byte[] raw = mail("mallory@attacker.test", "Organization ID: acme\n");
        for (int i = 1; i <= 40; i++) {
            raw = signedBy(raw, i % 2 == 0 ? "attacker.test" : "sub" + i + ".attacker.test");
        }
        MailAuthenticity verdict = authenticator.check(raw, "mallory@attacker.test");
        assertThat(verdict.result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(verdict.detail()).contains("40 signatures").contains("at most " + MailAuthenticator.MAX_SIGNATURES);
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void atMostTwoKeysAreLookedUpForOneMail() throws Exception {
        List<String> lookedUp = new ArrayList<>();
        MailAuthenticator authenticator = findingNoKey(lookedUp);
        byte[] raw = mail("mallory@attacker.test", "Organization ID: acme\n");
        for (int i = 1; i <= MailAuthenticator.MAX_SIGNATURES; i++) {
            raw = signedBy(raw, "attacker.test");
        }
        assertThat(authenticator.check(raw, "mallory@attacker.test").result()).isEqualTo(MailAuthenticity.Result.FAIL);
        assertThat(lookedUp).hasSize(MailAuthenticator.MAX_LOOKUPS);
    }

    @Test
    void afterFiveUnansweredLookUpsInAMinuteOnlyDomainsFoundBeforeAreLookedUpUntilTheMinuteHasPassed() throws Exception {
        List<String> lookedUp = new ArrayList<>();
        MovableClock clock = new MovableClock();
        MailAuthenticator authenticator = new MailAuthenticator(new MailAuthenticator.Settings(Map.of(), true, ""),
                (method, selector, domain) -> {
                    lookedUp.add(String.valueOf(domain));
                    if (String.valueOf(domain).equals(TestDkim.DOMAIN)) {
                        return List.of(TestDkim.record());
                    }
                    throw new TempFailException("timed out");
                }, clock, domain -> domain.equals("requires-dkim.test"));
        // a client whose key is found
        assertThat(authenticator.check(TestDkim.sign(mail("jane@dkim.test", "Organization ID: acme\n")), "jane@dkim.test").result())
                .isEqualTo(MailAuthenticity.Result.PASS);
        // mail after mail "signed" by a domain whose name servers never answer, each its own
        for (int i = 1; i <= MailAuthenticator.SlowLookups.LIMIT + 3; i++) {
            String from = "mallory@slow-" + i + ".attacker.test";
            authenticator.check(signedBy(mail(from, "hello\n"), "slow-" + i + ".attacker.test"), from);
        }
        assertThat(lookedUp).as("the first few are looked up, then none").hasSize(1 + MailAuthenticator.SlowLookups.LIMIT);
        MailAuthenticity refused = authenticator.check(signedBy(mail("x@slow-99.attacker.test", "hi\n"), "slow-99.attacker.test"),
                "x@slow-99.attacker.test");
        assertThat(refused.detail()).contains("not looked up").contains("failed or were slow");

        assertThat(authenticator.check(TestDkim.sign(mail("jane@dkim.test", "Organization ID: acme\n")), "jane@dkim.test").result())
                .as("a domain found before is still looked up").isEqualTo(MailAuthenticity.Result.PASS);
        authenticator.check(signedBy(mail("bob@requires-dkim.test", "hi\n"), "requires-dkim.test"), "bob@requires-dkim.test");
        assertThat(lookedUp).as("so is an organization's that requires DKIM").endsWith("requires-dkim.test");
        clock.moveBy(Duration.ofSeconds(61));
        authenticator.check(signedBy(mail("x@slow-100.attacker.test", "hi\n"), "slow-100.attacker.test"), "x@slow-100.attacker.test");
        assertThat(lookedUp).as("a minute later, look-ups resume").endsWith("slow-100.attacker.test");
    }

    @Test
    void signaturesWrittenWithASpaceBeforeTheColonCountToo() throws Exception {
        byte[] raw = mail("mallory@attacker.test", "hello\n");
        for (int i = 1; i <= MailAuthenticator.MAX_SIGNATURES + 1; i++) {
            raw = signedBy(raw, "attacker.test");
        }
        String spaced = new String(raw, StandardCharsets.ISO_8859_1).replace("DKIM-Signature:", "DKIM-Signature :");
        MailAuthenticity verdict = AUTHENTICATOR.check(spaced.getBytes(StandardCharsets.ISO_8859_1), "mallory@attacker.test");
        assertThat(verdict.detail()).contains((MailAuthenticator.MAX_SIGNATURES + 1) + " signatures");
    }

    @Test
    void slowAnswersCountThoughTheyFindNoKeyAndADomainThatTurnsSlowIsForgotten() throws Exception {
        List<String> lookedUp = new ArrayList<>();
        MovableClock clock = new MovableClock();
        boolean[] slow = {false};
        MailAuthenticator authenticator = new MailAuthenticator(new MailAuthenticator.Settings(Map.of(), true, ""),
                (method, selector, domain) -> {
                    lookedUp.add(String.valueOf(domain));
                    if (slow[0]) {
                        clock.moveBy(Duration.ofMillis(1_900));  // "no such name", just before the timeout
                    }
                    return List.of();
                }, clock, domain -> false);
        // a domain found quickly (no key, which proves nothing), then every answer slow
        authenticator.check(signedBy(mail("x@fast.attacker.test", "hi\n"), "fast.attacker.test"), "x@fast.attacker.test");
        slow[0] = true;
        for (int i = 1; i <= MailAuthenticator.SlowLookups.LIMIT + 2; i++) {
            String from = "mallory@nx-" + i + ".attacker.test";
            authenticator.check(signedBy(mail(from, "hello\n"), "nx-" + i + ".attacker.test"), from);
        }
        assertThat(lookedUp).hasSize(1 + MailAuthenticator.SlowLookups.LIMIT);
        authenticator.check(signedBy(mail("x@fast.attacker.test", "hi\n"), "fast.attacker.test"), "x@fast.attacker.test");
        assertThat(lookedUp).as("an answer without a key marks no domain as found").hasSize(1 + MailAuthenticator.SlowLookups.LIMIT);
    }
}
