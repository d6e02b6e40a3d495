package io.certdesk.rollover;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Pem;
import io.certdesk.inventory.CertificateInventory;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps this node's CAs as the shared record says: at start-up (before the mTLS listeners take their server
 * certificates), after a rollover on this node, and every {@value #REFRESH_SECONDS} seconds for rollovers made on
 * another node. Generation 1 is the configured CA; later generations are opened from their keystore in the
 * database or their key label on the token, once per node.
 */
@Component
public class CaGenerationSync {

    static final int REFRESH_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(CaGenerationSync.class);

    private final CertificateAuthorities authorities;
    private final CaGenerations generations;
    private final CertificateInventory inventory;
    private final Clock clock;
    private final Map<String, CertificateAuthority> opened = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private ScheduledExecutorService refresher;

    public CaGenerationSync(CertificateAuthorities authorities, CaGenerations generations, CertificateInventory inventory, Clock clock) {
        this.authorities = authorities;
        this.generations = generations;
        this.inventory = inventory;
        this.clock = clock;
    }

    @PostConstruct
    void start() {
        for (String environment : authorities.environments()) {
            generations.ensureConfigured(authorities.configured(environment), clock.instant());
        }
        refresh();
        refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "certdesk-ca-generations");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** Installs every environment's generations as recorded now. */
    public synchronized void refresh() {
        for (String environment : authorities.environments()) {
            refresh(environment);
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("CA generations could not be read; keeping the ones loaded: {}", e.getMessage());
        }
    }

    private void refresh(String environment) {
        Instant now = clock.instant();
        List<CertificateAuthorities.Generation> known = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long issuingOnRecord = 0;
        for (CaGenerations.Row row : generations.all(environment)) {
            if (row.state() == CaGenerations.State.PENDING) {
                continue;
            }
            boolean issuing = row.state() == CaGenerations.State.ISSUING;
            issuingOnRecord += issuing ? 1 : 0;
            CertificateAuthority ca = open(row);
            if (ca == null) {
                if (issuing) {
                    problems.add("CA generation " + row.generation() + " cannot be opened: " + failures.get(row.environment() + "/" + row.generation()));
                }
                continue;
            }
            Instant trustedUntil = issuing ? null : row.trustedUntil();
            Instant servesUntil = null;
            if (trustedUntil != null) {
                Instant lastExpiry = inventory.lastExpiry(environment, row.generation()).orElse(trustedUntil);
                servesUntil = lastExpiry.isAfter(trustedUntil) ? lastExpiry : trustedUntil;
            }
            known.add(new CertificateAuthorities.Generation(ca, trustedUntil, servesUntil));
        }
        if (issuingOnRecord > 1) {
            problems.add("the record names " + issuingOnRecord + " issuing CAs");
        }
        if (problems.isEmpty() && known.stream().filter(CertificateAuthorities.Generation::issuing).count() == 1) {
            authorities.install(environment, known);
        } else if (!problems.isEmpty()) {
            authorities.withhold(environment, known.stream().filter(g -> !g.issuing()).toList(), String.join("; ", problems));
        }
    }

    /** The CA of a recorded generation, opened once; null (logged once) when this node cannot open it. */
    private CertificateAuthority open(CaGenerations.Row row) {
        if (row.generation() == 1) {
            CertificateAuthority configured = authorities.configured(row.environment());
            if (!configured.sha256Fingerprint().equals(row.fingerprint()) && failures.putIfAbsent(row.environment() + "/1", "") == null) {
                log.warn("environment '{}': the configured CA ({}) is not the generation 1 recorded at first start ({}); "
                        + "certdesk signs with the configured one", row.environment(), configured.sha256Fingerprint(), row.fingerprint());
            }
            return configured;
        }
        String key = row.environment() + "/" + row.generation();
        CertificateAuthority ca = opened.get(key);
        if (ca != null) {
            return ca;
        }
        try {
            ca = authorities.openGeneration(row.environment(), row.generation(), Pem.certificate(row.certificatePem()), row.keystore(),
                    row.tokenKeyLabel());
            opened.put(key, ca);
            failures.remove(key);
            return ca;
        } catch (RuntimeException e) {
            if (!e.getMessage().equals(failures.put(key, e.getMessage()))) {
                log.error("environment '{}': CA generation {} cannot be opened on this node: {}", row.environment(), row.generation(),
                        e.getMessage());
            }
            return null;
        }
    }

    /** Why a generation could not be opened on this node, per {@code <environment>/<generation>}. */
    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }

}
