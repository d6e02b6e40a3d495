package io.certdesk.request;

import java.util.List;

/** A request as intake found it in a mail, before validation. CSRs are DER; private keys are only described. */
public record NewRequest(
        String messageId,
        String mailSubject,
        String senderEmail,
        String senderName,
        String organizationId,
        String companyName,
        String environment,
        String technicalContactName,
        String technicalContactEmail,
        List<byte[]> csrs,
        List<String> problems,
        List<String> privateKeyFindings,
        List<String> exposedKeyHashes) {
}
