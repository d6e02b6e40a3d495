package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.certdesk.request.MailAuthenticity;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestDkim;
import org.junit.jupiter.api.Test;

/** What certdesk concludes about a mail's sender from its DKIM signatures and a trusted server's Authentication-Results. */
class MailAuthenticatorTest {

    private static final MailAuthenticator AUTHENTICATOR = new MailAuthenticator(new MailAuthenticator.Settings(
            Map.of(TestDkim.recordName(), TestDkim.record()), false, "mx.certdesk.test"));

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
}
