package io.certdesk.trust;

import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The {@code partnerTrust} process (bpmn/partnerTrust.bpmn): a client's partner CA chain, checked, approved by
 * two different approvers, then trusted. Business key: the trust request reference ({@code TR-2026-000042}).
 */
public final class PartnerTrustProcess {

    public static final String KEY = "partnerTrust";

    public static final String VALIDATE_CHAIN = "Task_ValidateChain";
    public static final String FIRST_APPROVAL = "UserTask_FirstTrustApproval";
    public static final String SECOND_APPROVAL = "UserTask_SecondTrustApproval";
    public static final String TRUST_PARTNER_CA = "Task_TrustPartnerCa";
    public static final String END_TRUSTED = "EndEvent_PartnerCaTrusted";
    public static final String END_CHAIN_REJECTED = "EndEvent_ChainRejected";
    public static final String END_TRUST_REJECTED = "EndEvent_TrustRejected";

    public static final String ERROR_CHAIN_INVALID = "CHAIN_INVALID";

    public static final String TRUST_REQUEST_ID = "trustRequestId";
    public static final String REFERENCE = "reference";
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String ENVIRONMENT = "environment";
    public static final String CLIENT_CERTIFICATE = "clientCertificate";
    public static final String CA_CERTIFICATES = "caCertificates";
    /** Warnings for both approvers (a CA of the public Web PKI), empty when there are none. */
    public static final String TRUST_WARNINGS = "trustWarnings";
    public static final String FIRST_APPROVED = "firstApproved";
    public static final String SECOND_APPROVED = "secondApproved";
    public static final String FIRST_APPROVER = "firstApprover";
    public static final String SECOND_APPROVER = "secondApprover";
    public static final String REJECTION_REASON = "rejectionReason";

    private PartnerTrustProcess() {
    }

    public static long trustRequestId(VariableScope scope) {
        return ((Number) scope.getVariable(TRUST_REQUEST_ID)).longValue();
    }
}
