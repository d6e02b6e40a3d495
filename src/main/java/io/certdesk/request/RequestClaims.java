package io.certdesk.request;

/**
 * What the sender claims about the request, from the mail's body with fall-backs to the CSR subject and the
 * sender address. Each {@code *Source} says where the value came from, for the approver.
 */
public record RequestClaims(
        String organizationId, String organizationIdSource,
        String companyName,
        String technicalContactName, String technicalContactEmail,
        String senderEmail,
        String environment, String environmentSource) {
}
