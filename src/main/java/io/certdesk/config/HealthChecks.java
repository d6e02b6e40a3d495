package io.certdesk.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CaSigner;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Pkcs11Signer;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health beyond database and SMTP: every CA key can sign (software or PKCS#11 token, checked at most every 10 s)
 * and its certificate is valid. The support inbox's and the automatic replies' health sit with intake and notify.
 */
@Configuration
public class HealthChecks {

    @Bean
    HealthIndicator certificateAuthoritiesHealthIndicator(CertificateAuthorities authorities, Clock clock) {
        Map<String, KeyCheck> checks = new ConcurrentHashMap<>();
        return () -> {
            Health.Builder health = Health.up();
            boolean down = false;
            for (String environment : authorities.environments()) {
                if (authorities.withheldReason(environment) != null) {
                    health.withDetail(environment, Map.of("error", authorities.withheldReason(environment)));
                    down = true;
                    continue;
                }
                CertificateAuthority ca = authorities.get(environment);
                CaSigner signer = ca.signer();
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("kind", signer.kind());
                if (signer instanceof Pkcs11Signer token) {
                    detail.put("token", token.token());
                }
                detail.put("signer", signer.description());
                detail.put("generation", ca.generation());
                detail.put("fingerprint", ca.sha256Fingerprint());
                if (authorities.generations(environment).size() > 1) {
                    detail.put("olderGenerations", authorities.generations(environment).stream().skip(1)
                            .map(g -> Map.of("generation", g.ca().generation(), "trustedUntil", String.valueOf(g.trustedUntil()),
                                    "servesUntil", String.valueOf(g.servesUntil())))
                            .toList());
                }
                KeyCheck check = checks.compute(environment, (env, last) -> last != null && last.fresh(clock.instant()) ? last : KeyCheck.of(signer, clock.instant()));
                detail.put("keyReachable", check.error() == null);
                if (check.error() != null) {
                    detail.put("error", check.error());
                    down = true;
                }
                Instant notAfter = ca.certificate().getNotAfter().toInstant();
                detail.put("certificateValidUntil", notAfter.toString());
                if (clock.instant().isAfter(notAfter)) {
                    detail.put("error", "CA certificate expired on " + notAfter);
                    down = true;
                }
                health.withDetail(environment, detail);
            }
            return down ? health.down().build() : health.build();
        };
    }

    /** One signature by a CA key, kept a few seconds so that health polling does not keep a token busy. */
    private record KeyCheck(Instant at, String error) {
        static final Duration KEEP = Duration.ofSeconds(10);

        static KeyCheck of(CaSigner signer, Instant now) {
            try {
                signer.check();
                return new KeyCheck(now, null);
            } catch (RuntimeException e) {
                return new KeyCheck(now, "CA key cannot sign: " + e.getMessage());
            }
        }

        boolean fresh(Instant now) {
            return Duration.between(at, now).compareTo(KEEP) < 0;
        }
    }
}
