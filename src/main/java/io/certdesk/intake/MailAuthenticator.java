package io.certdesk.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.request.MailAuthenticity;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;

/**
 * Checks a support mail's DKIM signatures (Apache James jDKIM) and decides whether the mail comes from its sender's
 * domain: a signature that verifies, by the From domain or a parent domain of it (DMARC's relaxed alignment). Public
 * keys come from the configured records first, then from DNS TXT records. When a receiving mail server is trusted
 * (its {@code authserv-id}), its {@code Authentication-Results} header counts too, with the SPF and DMARC results
 * it reports; headers naming any other server are ignored, since anyone can write them.
 */
public class MailAuthenticator {

    /**
     * @param keys              DKIM key records by DNS name ({@code selector._domainkey.domain}), used before DNS
     * @param dnsLookups        look keys up in DNS when not configured
     * @param trustedAuthservId the receiving mail server whose {@code Authentication-Results} are believed; empty: none
     */
    public record Settings(Map<String, String> keys, boolean dnsLookups, String trustedAuthservId) {
    }

    private static final Pattern RESULT = Pattern.compile("(?i)\\b(dkim|spf|dmarc)\\s*=\\s*([a-z]+)([^;]*)");
    private static final Pattern DKIM_SIGNATURE = Pattern.compile("(?i)dkim-signature[ \\t]*:");
    private static final Pattern HEADER_D = Pattern.compile("(?i)\\bheader\\.(?:d|i)\\s*=\\s*@?([^\\s;]+)");

    /** A mail with more signatures is not verified: each costs a pass over the body, real mail carries one to three. */
    static final int MAX_SIGNATURES = 5;
    /** DNS look-ups per mail, only ever for the sender's domain or a parent of it (one selector, maybe one being rotated). */
    static final int MAX_LOOKUPS = 2;
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);

    private final Settings settings;
    private final Map<String, String> configured = new HashMap<>();
    private final PublicKeyRecordRetriever dns;
    private final Clock clock;
    private final SlowLookups slowLookups = new SlowLookups();
    private final Predicate<String> alwaysLookedUp;

    /**
     * @param alwaysLookedUp signer domains looked up even while DNS is slow: those of organizations that require DKIM,
     *                       whose mail is refused without it
     */
    public MailAuthenticator(Settings settings, Predicate<String> alwaysLookedUp) {
        this(settings, settings.dnsLookups() ? new DNSPublicKeyRecordRetriever(resolver()) : null, Clock.systemUTC(), alwaysLookedUp);
    }

    /** With {@code dns} as where keys not configured are looked up (null: nowhere), and the time from {@code clock}. */
    MailAuthenticator(Settings settings, PublicKeyRecordRetriever dns, Clock clock, Predicate<String> alwaysLookedUp) {
        this.settings = settings;
        settings.keys().forEach((name, record) -> configured.put(name.toLowerCase(Locale.ROOT), record));
        this.dns = dns;
        this.clock = clock;
        this.alwaysLookedUp = alwaysLookedUp;
    }

    private static Resolver resolver() {
        ExtendedResolver resolver = new ExtendedResolver();
        resolver.setTimeout(DNS_TIMEOUT);
        resolver.setRetries(1);
        return resolver;
    }

    /**
     * Keys for one mail's signatures: configured ones, else DNS, and DNS only for a signer that could speak for the
     * mail's sender and at most {@value #MAX_LOOKUPS} times. A mail signed "by" forty slow domains of the sender's
     * choosing would otherwise hold up intake for every other mail while their look-ups time out.
     */
    private PublicKeyRecordRetriever keysFor(String fromDomain) {
        int[] lookups = {0};
        return (method, selector, domain) -> {
            String name = (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
            String record = configured.get(name);
            if (record != null) {
                return List.of(record);
            }
            if (dns == null) {
                throw new PermFailException("no DKIM key configured for " + name + " (DNS lookups are off)");
            }
            if (!aligned(String.valueOf(domain).toLowerCase(Locale.ROOT), fromDomain)) {
                throw new PermFailException("its key was not looked up: the signer is not the sender's domain");
            }
            if (++lookups[0] > MAX_LOOKUPS) {
                throw new PermFailException("its key was not looked up: certdesk looks up at most " + MAX_LOOKUPS + " keys per mail");
            }
            String signer = String.valueOf(domain).toLowerCase(Locale.ROOT);
            if (slowLookups.busy(clock.millis()) && !slowLookups.answered(signer) && !alwaysLookedUp.test(signer)) {
                throw new TempFailException("its key was not looked up: DNS look-ups of other domains failed or were slow "
                        + SlowLookups.LIMIT + " times in the last minute; domains whose keys were found before, and those of "
                        + "organizations that require DKIM, are still looked up");
            }
            long started = clock.millis();
            try {
                List<String> records = dns.getRecords(method, selector, domain);
                slowLookups.answered(signer, !records.isEmpty(), clock.millis() - started, clock.millis());
                return records;
            } catch (TempFailException unanswered) {
                slowLookups.failed(signer, clock.millis());
                throw unanswered;
            }
        };
    }

    /**
     * DNS look-ups that failed or were slow lately. A sender controls both its From domain and the name servers
     * answering for it: mail after mail "signed" by its own slow domain would hold up intake for everyone. After
     * {@value #LIMIT} look-ups within a minute that failed or took a second or more (whatever they found), only domains
     * whose keys were found quickly before (in the last day) and those of organizations that require DKIM are looked
     * up until the minute has passed; other mails count as not authenticated meanwhile, which says why. A domain
     * found before that answers slowly is forgotten.
     */
    static final class SlowLookups {
        static final int LIMIT = 5;
        static final long SLOW_MILLIS = 1_000;
        private static final long WINDOW_MILLIS = 60_000;
        private static final long REMEMBERED_MILLIS = 24 * 3_600_000L;
        private static final int MAX_REMEMBERED = 10_000;
        private final ArrayDeque<Long> failures = new ArrayDeque<>();
        private final Map<String, Long> answeredAt = new LinkedHashMap<>(16, 0.75f, true);
        private long now;

        synchronized boolean busy(long nowMillis) {
            now = nowMillis;
            while (!failures.isEmpty() && failures.peekFirst() < nowMillis - WINDOW_MILLIS) {
                failures.removeFirst();
            }
            return failures.size() >= LIMIT;
        }

        synchronized boolean answered(String domain) {
            Long at = answeredAt.get(domain);
            return at != null && at >= now - REMEMBERED_MILLIS;
        }

        /** A look-up that came back after {@code tookMillis}, with a key record or without. */
        synchronized void answered(String domain, boolean keyFound, long tookMillis, long nowMillis) {
            if (tookMillis >= SLOW_MILLIS) {
                failed(domain, nowMillis);
                return;
            }
            if (keyFound) {
                answeredAt.put(domain, nowMillis);
                if (answeredAt.size() > MAX_REMEMBERED) {
                    answeredAt.remove(answeredAt.keySet().iterator().next());
                }
            }
        }

        synchronized void failed(String domain, long nowMillis) {
            answeredAt.remove(domain);
            failures.addLast(nowMillis);
        }
    }

    public MailAuthenticity check(byte[] raw, String fromAddress) {
        String fromDomain = fromAddress == null || fromAddress.indexOf('@') < 0 ? null
                : fromAddress.substring(fromAddress.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        List<String> headers = headers(raw);
        MailAuthenticity own = verify(raw, headers, fromDomain);
        if (own.authenticated() || settings.trustedAuthservId() == null || settings.trustedAuthservId().isBlank()) {
            return own;
        }
        MailAuthenticity reported = reported(headers, fromDomain);
        if (reported == null) {
            return own;
        }
        if (reported.authenticated() || own.result() == MailAuthenticity.Result.NONE) {
            return reported;
        }
        return new MailAuthenticity(own.result(), own.domain(), own.detail() + "; " + reported.detail());
    }

    private MailAuthenticity verify(byte[] raw, List<String> headers, String fromDomain) {
        // counted as leniently as a MIME parser reads header names ("DKIM-Signature :", a line ended by a bare CR)
        long signatures = headers.stream().filter(h -> DKIM_SIGNATURE.matcher(h).lookingAt()).count();
        if (signatures == 0) {
            return MailAuthenticity.none("The mail has no DKIM signature.");
        }
        if (signatures > MAX_SIGNATURES) {
            return new MailAuthenticity(MailAuthenticity.Result.FAIL, null, "DKIM: the mail carries " + signatures
                    + " signatures; certdesk verifies mails with at most " + MAX_SIGNATURES + ".");
        }
        DKIMVerifier verifier = new DKIMVerifier(keysFor(fromDomain));
        String failure = null;
        try {
            verifier.verify(new ByteArrayInputStream(raw));
        } catch (FailException e) {
            failure = e.getMessage();
        } catch (IOException | RuntimeException e) {
            failure = "unreadable: " + e.getMessage();
        }
        Set<String> signers = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        for (Result result : verifier.getResults()) {
            String domain = result.getRecord() == null ? null : String.valueOf(result.getRecord().getDToken()).toLowerCase(Locale.ROOT);
            if (domain != null) {
                signers.add(domain);
            }
            if (result.isSuccess() && aligned(domain, fromDomain)) {
                return new MailAuthenticity(MailAuthenticity.Result.PASS, domain, "DKIM signature by " + domain
                        + " (selector " + result.getRecord().getSelector() + ") verifies.");
            }
            reasons.add(result.isSuccess()
                    ? "a signature by " + domain + " verifies, but the mail is from " + (fromDomain == null ? "no address" : fromDomain)
                    : "the signature" + (domain == null ? "" : " by " + domain) + " does not verify: " + result.getErrorMessage());
        }
        if (reasons.isEmpty()) {
            reasons.add("the DKIM signature does not verify: " + failure);
        }
        return new MailAuthenticity(MailAuthenticity.Result.FAIL, signers.isEmpty() ? null : String.join(",", signers),
                "DKIM: " + String.join("; ", reasons) + ".");
    }

    /** What the trusted receiving server reported, or null when it reported nothing. */
    private MailAuthenticity reported(List<String> headers, String fromDomain) {
        String trusted = settings.trustedAuthservId().trim();
        for (String header : headers) {
            if (!header.regionMatches(true, 0, "Authentication-Results:", 0, 23)) {
                continue;
            }
            String value = header.substring(23).replaceAll("\\s+", " ").trim();
            String[] statements = value.split(";");
            // the authserv-id, optionally followed by a version number
            String authservId = statements[0].trim().split(" ")[0];
            if (!authservId.equalsIgnoreCase(trusted)) {
                continue;
            }
            List<String> seen = new ArrayList<>();
            String passDomain = null;
            for (int i = 1; i < statements.length; i++) {
                Matcher m = RESULT.matcher(statements[i]);
                if (!m.find()) {
                    continue;
                }
                String method = m.group(1).toLowerCase(Locale.ROOT);
                String result = m.group(2).toLowerCase(Locale.ROOT);
                seen.add(method.toUpperCase(Locale.ROOT) + " " + result);
                Matcher d = HEADER_D.matcher(m.group(3));
                if (method.equals("dkim") && result.equals("pass") && d.find()) {
                    String domain = d.group(1).toLowerCase(Locale.ROOT);
                    domain = domain.contains("@") ? domain.substring(domain.indexOf('@') + 1) : domain;
                    if (aligned(domain, fromDomain)) {
                        passDomain = domain;
                    }
                }
            }
            String detail = "reported by " + trusted + ": " + (seen.isEmpty() ? "nothing" : String.join(", ", seen));
            return passDomain != null
                    ? new MailAuthenticity(MailAuthenticity.Result.PASS, passDomain, "DKIM signature by " + passDomain + " verifies, " + detail + ".")
                    : new MailAuthenticity(seen.stream().anyMatch(s -> s.startsWith("DKIM")) ? MailAuthenticity.Result.FAIL
                    : MailAuthenticity.Result.NONE, null, detail + ".");
        }
        return null;
    }

    /** A signature by {@code signer} speaks for mail from {@code from}: the same domain or a parent domain. */
    static boolean aligned(String signer, String from) {
        if (signer == null || from == null) {
            return false;
        }
        return from.equals(signer) || (from.endsWith("." + signer) && signer.contains("."));
    }

    /** The header section, one unfolded header per entry. */
    static List<String> headers(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            end = text.indexOf("\n\n");
        }
        String section = end < 0 ? text : text.substring(0, end);
        List<String> headers = new ArrayList<>();
        for (String line : section.split("\r\n|\r|\n")) {
            if (!headers.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                headers.set(headers.size() - 1, headers.get(headers.size() - 1) + " " + line.trim());
            } else {
                headers.add(line);
            }
        }
        return headers;
    }
}
