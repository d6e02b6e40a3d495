package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;

/** One check of a request. Rules add every problem they see; none stops at the first. */
public interface RequestRule {

    String NEW_KEY_AND_CSR = "Make a new key and CSR, for example:\n"
            + "  openssl ecparam -genkey -name secp384r1 -noout -out client-key.pem\n"
            + "  openssl req -new -key client-key.pem -out client.csr -subj \"/C=NL/O=Your Company Name/OU=API Client/CN=your-organization-id\"";

    void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings);
}
