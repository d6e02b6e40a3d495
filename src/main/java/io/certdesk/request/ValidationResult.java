package io.certdesk.request;

/**
 * The outcome of validating a request, with what the approver sees.
 *
 * @param organizationStatus "new" or what certdesk knows of the organization
 */
public record ValidationResult(Outcome outcome, CertificateRequest request, String organizationStatus) {

    public enum Outcome { VALID, INVALID, PRIVATE_KEY_EXPOSED, NOT_A_REQUEST }
}
