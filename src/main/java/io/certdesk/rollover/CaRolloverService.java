package io.certdesk.rollover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.certdesk.approval.FourEyes;
import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Pem;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.Organizations;
import io.certdesk.notify.Notifier;
import io.certdesk.rollover.CaGenerations.RolloverState;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The CA rollover use case: an administrator asks, two different members of the rollover approver group approve,
 * certdesk makes the new CA (in the token or as a software key), issues from it, trusts the previous CA beside
 * it for the overlap, and tells the technical contacts what changes for them.
 */
@Service
public class CaRolloverService {

    static final long MAX_OVERLAP_DAYS = 3650;
    private static final Logger log = LoggerFactory.getLogger(CaRolloverService.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final CertificateAuthorities authorities;
    private final CaGenerations generations;
    private final CaGenerationSync sync;
    private final CertificateInventory inventory;
    private final Organizations organizations;
    private final IdentityService identity;
    private final RuntimeService runtime;
    private final Notifier notifier;
    private final CertdeskProperties properties;
    private final Clock clock;

    public CaRolloverService(CertificateAuthorities authorities, CaGenerations generations, CaGenerationSync sync,
                             CertificateInventory inventory, Organizations organizations, IdentityService identity,
                             RuntimeService runtime, Notifier notifier, CertdeskProperties properties, Clock clock) {
        this.authorities = authorities;
        this.generations = generations;
        this.sync = sync;
        this.inventory = inventory;
        this.organizations = organizations;
        this.identity = identity;
        this.runtime = runtime;
        this.notifier = notifier;
        this.properties = properties;
        this.clock = clock;
    }

    /** Why this rollover cannot start, or null when it can. */
    public String problem(String environment, Long overlapDays, String requestedBy, String ownReference) {
        if (environment == null || !authorities.environments().contains(environment)) {
            return "environment must be one of " + authorities.environments();
        }
        if (overlapDays == null || overlapDays < 1 || overlapDays > MAX_OVERLAP_DAYS) {
            return "overlapDays must be a whole number of days from 1 to " + MAX_OVERLAP_DAYS;
        }
        if (requestedBy == null || !isRolloverApprover(requestedBy)) {
            return "only members of the group '" + properties.caRollover().approverGroup() + "' may ask for a CA rollover";
        }
        for (CaGenerations.Rollover open : generations.openRollovers(environment)) {
            if (open.reference().equals(ownReference)) {
                continue;
            }
            if (carried(open)) {
                return "a rollover of the " + environment + " CA is already under way (" + open.reference() + ")";
            }
            // its process is gone (it failed to start, or was deleted): it blocks nothing
            generations.recordState(open.reference(), RolloverState.ABANDONED, null);
            log.warn("CA rollover {} of '{}' has no process any more: abandoned", open.reference(), environment);
        }
        return null;
    }

    /** Whether a process still carries the rollover (or it was asked for so recently that its start may be under way). */
    private boolean carried(CaGenerations.Rollover rollover) {
        return rollover.requestedAt().isAfter(clock.instant().minusSeconds(60))
                || runtime.createProcessInstanceQuery().processDefinitionKey(CaRolloverProcess.KEY)
                        .processInstanceBusinessKey(rollover.reference()).count() > 0;
    }

    /** Starts a rollover as the given administrator; its reference. */
    public String request(String environment, Long overlapDays, String reason, String requestedBy) {
        String problem = problem(environment, overlapDays, requestedBy, null);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String reference = newReference(environment);
        String shortReason = reason == null ? "" : reason.substring(0, Math.min(reason.length(), 2000));
        String token = UUID.randomUUID().toString();
        generations.recordRollover(new CaGenerations.Rollover(reference, environment, requestedBy, clock.instant(),
                overlapDays.intValue(), shortReason, null, null, null, null, RolloverState.REQUESTED, null, null, token));
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(CaRolloverProcess.ENVIRONMENT, environment);
        variables.put(CaRolloverProcess.OVERLAP_DAYS, overlapDays);
        variables.put(CaRolloverProcess.REASON, shortReason);
        variables.put(CaRolloverProcess.START_TOKEN, token);
        // started as that administrator, with the groups that authorize it (the process records them as initiator)
        identity.setAuthentication(requestedBy, identity.createGroupQuery().groupMember(requestedBy).list().stream()
                .map(Group::getId).toList());
        try {
            ProcessInstance started = runtime.startProcessInstanceByKey(CaRolloverProcess.KEY, reference, variables);
            log.info("CA rollover {} of '{}' asked for by {} (process {})", reference, environment, requestedBy, started.getId());
        } finally {
            identity.clearAuthentication();
        }
        return reference;
    }

    /**
     * {@code Task_CheckRolloverRequest}: refuses what cannot start, binds the rollover on record to this process
     * (one asked for over the admin API carries its start token; one started in the Tasklist gets a new record and
     * reference), and sets what the approvers see from the record.
     */
    public void check(DelegateExecution execution) {
        String reference = execution.getProcessBusinessKey();
        CaGenerations.Rollover record = reference == null ? null : generations.rollover(reference).orElse(null);
        Object token = execution.getVariable(CaRolloverProcess.START_TOKEN);
        if (record != null && (record.startToken() == null || !record.startToken().equals(token)
                || !generations.bind(reference, execution.getProcessInstanceId()))) {
            refuse(execution, CaRolloverProcess.requestedBy(execution), "the reference " + reference + " belongs to another rollover");
        }
        String environment = record != null ? record.environment() : CaRolloverProcess.environment(execution);
        Long overlapDays = record != null ? Long.valueOf(record.overlapDays()) : CaRolloverProcess.overlapDays(execution);
        String requestedBy = CaRolloverProcess.requestedBy(execution);
        String problem = record != null && !Objects.equals(requestedBy, record.requestedBy())
                ? "the rollover was asked for by " + record.requestedBy() + ", not " + requestedBy
                : problem(environment, overlapDays, requestedBy, record == null ? null : reference);
        if (problem != null) {
            refuse(execution, requestedBy, problem);
        }
        if (record == null) {
            // started in the Tasklist: a reference of certdesk's own, whatever business key the starter gave
            reference = newReference(environment);
            execution.setProcessBusinessKey(reference);
            String reason = CaRolloverProcess.reason(execution);
            generations.recordRollover(new CaGenerations.Rollover(reference, environment, requestedBy, clock.instant(),
                    overlapDays.intValue(), reason == null ? "" : reason.substring(0, Math.min(reason.length(), 2000)), null, null,
                    null, null, RolloverState.REQUESTED, null, execution.getProcessInstanceId(), null));
            record = generations.rollover(reference).orElseThrow();
        }
        execution.removeVariable(CaRolloverProcess.START_TOKEN);
        CertificateAuthority current = authorities.get(environment);
        execution.setVariable(CaRolloverProcess.REFERENCE, reference);
        execution.setVariable(CaRolloverProcess.ENVIRONMENT, environment);
        execution.setVariable(CaRolloverProcess.OVERLAP_DAYS, overlapDays);
        execution.setVariable(CaRolloverProcess.REASON, record.reason());
        execution.setVariable(CaRolloverProcess.CURRENT_CA, current.certificate().getSubjectX500Principal().getName()
                + ", generation " + current.generation() + ", valid until " + current.certificate().getNotAfter().toInstant()
                + ", SHA-256 " + current.sha256Fingerprint());
        execution.setVariable(CaRolloverProcess.NEW_CA_PLAN, authorities.subjectOfGeneration(environment, generations.nextGeneration(environment))
                + ", " + properties.environments().get(environment).caKeyType() + ", valid "
                + properties.environments().get(environment).caValidity().toDays() + " days, key "
                + (properties.environments().get(environment).inToken() ? "made in the PKCS#11 token" : "in software, kept encrypted in the database"));
    }

    private void refuse(DelegateExecution execution, String requestedBy, String problem) {
        execution.setVariable(CaRolloverProcess.REFUSAL, problem);
        log.warn("CA rollover asked for by {} refused: {}", requestedBy, problem);
        throw new BpmnError(CaRolloverProcess.ERROR_REFUSED, problem);
    }

    /** Whether the user belongs to the group that asks for and approves rollovers. */
    public boolean isRolloverApprover(String userId) {
        return identity.createGroupQuery().groupMember(userId).groupId(properties.caRollover().approverGroup()).count() > 0;
    }

    /** Records one decision; the second must come from someone other than the first, after an approving first. */
    public void recordDecision(String reference, boolean first, String decidedBy, boolean approved) {
        CaGenerations.Rollover rollover = generations.rollover(reference)
                .orElseThrow(() -> new IllegalStateException("no rollover " + reference + " on record"));
        String refusal = first ? null : FourEyes.refusal(reference, rollover.firstDecidedBy(), decidedBy);
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        if (!generations.recordDecision(reference, first, decidedBy, approved)) {
            throw new IllegalStateException("The " + (first ? "first" : "second") + " decision on " + reference
                    + " cannot be recorded: it was made already, the first is not an approval on record, or the rollover is closed");
        }
        if (!approved) {
            generations.recordState(reference, RolloverState.REJECTED, null);
        }
    }

    public void recordRejected(String reference) {
        generations.recordState(reference, RolloverState.REJECTED, null);
    }

    /**
     * {@code Task_CreateCaGeneration}: makes the new CA once (a retried step finds the one it made), after checking
     * again that two different approvers are on record.
     */
    public int createGeneration(String reference) {
        CaGenerations.Rollover rollover = approved(reference);
        CaGenerations.Row made = generations.byRollover(reference).orElse(null);
        if (made != null) {
            return made.generation();
        }
        int number = generations.nextGeneration(rollover.environment());
        CertificateAuthorities.NewGeneration created = authorities.createGeneration(rollover.environment(), number);
        generations.insert(created.ca(), CaGenerations.State.PENDING, created.tokenKeyLabel(), created.pkcs12(), reference, clock.instant());
        generations.recordState(reference, RolloverState.APPROVED, number);
        log.info("CA rollover {}: generation {} of '{}' made ({}), SHA-256 fingerprint {}", reference, number, rollover.environment(),
                created.ca().certificate().getSubjectX500Principal().getName(), created.ca().sha256Fingerprint());
        return number;
    }

    /** {@code Task_ActivateCaGeneration}: the new CA issues; the previous one is trusted until the overlap ends. */
    public Instant activate(String reference) {
        CaGenerations.Rollover rollover = approved(reference);
        CaGenerations.Row row = generations.byRollover(reference)
                .orElseThrow(() -> new IllegalStateException(reference + ": the new CA was not made"));
        Instant now = clock.instant();
        Instant trustedUntil = now.plus(Duration.ofDays(rollover.overlapDays()));
        if (generations.activate(rollover.environment(), row.generation(), trustedUntil, now)) {
            log.info("CA rollover {}: '{}' issues from generation {}; the previous CA is trusted until {}", reference,
                    rollover.environment(), row.generation(), trustedUntil);
        }
        generations.recordState(reference, RolloverState.DONE, row.generation());
        sync.refresh();
        return trustedUntil;
    }

    /** {@code Task_TellContactsOfNewCa}: every organization with an active certificate in the environment hears of it. */
    public int tellContacts(String reference) {
        CaGenerations.Rollover rollover = generations.rollover(reference).orElseThrow();
        CaGenerations.Row row = generations.byRollover(reference).orElseThrow();
        CertificateAuthority previous = authorities.generations(rollover.environment()).stream()
                .map(CertificateAuthorities.Generation::ca).filter(ca -> ca.generation() < row.generation())
                .findFirst().orElse(null);
        Instant trustedUntil = generations.all(rollover.environment()).stream()
                .filter(r -> previous != null && r.generation() == previous.generation()).map(CaGenerations.Row::trustedUntil)
                .findFirst().orElse(null);
        String base = properties.publicUrl() + "/pki/" + rollover.environment();
        int told = 0;
        for (String organization : inventory.organizationsWithActiveCertificates(rollover.environment())) {
            List<String> to = organizations.contacts(organization).stream().filter(c -> Organizations.TECHNICAL.equals(c.role()))
                    .map(Organizations.Contact::email).distinct().toList();
            if (to.isEmpty()) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            values.put("organizationId", organization);
            values.put("environment", rollover.environment());
            values.put("newCaSubject", row.certificatePem().isEmpty() ? "" : Pem.certificate(row.certificatePem())
                    .getSubjectX500Principal().getName());
            values.put("newCaFingerprint", row.fingerprint());
            values.put("newCaNotAfter", row.notAfter().toString());
            values.put("previousCaSubject", previous == null ? "-" : previous.certificate().getSubjectX500Principal().getName());
            values.put("previousCaFingerprint", previous == null ? "-" : previous.sha256Fingerprint());
            values.put("trustedUntil", trustedUntil == null ? "-" : trustedUntil.toString());
            values.put("caUrl", base + "/ca.pem");
            values.put("newCaUrl", base + "/ca/" + row.generation() + ".pem");
            values.put("bundleUrl", base + "/trust-bundle.pem");
            values.put("fingerprintUrl", base + "/ca-fingerprint");
            notifier.notice("ca-rollover", reference + " " + organization, to, values);
            told++;
        }
        log.info("CA rollover {}: technical contacts of {} organizations told", reference, told);
        return told;
    }

    private CaGenerations.Rollover approved(String reference) {
        CaGenerations.Rollover rollover = generations.rollover(reference)
                .orElseThrow(() -> new IllegalStateException("no rollover " + reference + " on record"));
        if (!rollover.approved()) {
            throw new IllegalStateException(reference + " lacks two approvals by different administrators on record; not rolling over");
        }
        return rollover;
    }

    private String newReference(String environment) {
        return "ROLL-" + environment + "-" + STAMP.format(clock.instant());
    }
}
