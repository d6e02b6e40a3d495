package io.certdesk.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.certdesk.authority.AuthoritySettings;
import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.Pkcs11Settings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * certdesk's settings, from {@code config/application.yml} and the environment. Every field is documented in
 * README.md under "Configuration".
 */
@Validated
@ConfigurationProperties("certdesk")
public record CertdeskProperties(
        /* embedded: development CAs and demo users are created; production: nothing is generated. */
        @DefaultValue("embedded") Mode mode,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("http://localhost:8080") @NotBlank String publicUrl,
        @DefaultValue("support@certdesk.local") @NotBlank String supportAddress,
        @DefaultValue("certdesk support") String supportName,
        @DefaultValue("production") @NotBlank String defaultEnvironment,
        @NotEmpty Map<String, @Valid Environment> environments,
        @DefaultValue @Valid Issuance issuance,
        @DefaultValue @Valid Policy policy,
        @DefaultValue @Valid Intake intake,
        @DefaultValue @Valid EmbeddedMail embeddedMail,
        @DefaultValue @Valid Approvers approvers,
        @DefaultValue @Valid Lifecycle lifecycle,
        @DefaultValue @Valid Mtls mtls,
        @DefaultValue @Valid AutoReplies autoReplies,
        @DefaultValue @Valid CaRollover caRollover,
        @DefaultValue @Valid MailSigning mailSigning,
        @DefaultValue @Valid MailAuthentication mailAuthentication,
        @DefaultValue @Valid MailServers mailServers,
        @DefaultValue @Valid Notifications notifications,
        @DefaultValue @Valid Directory directory) {

    public enum Mode { EMBEDDED, PRODUCTION }

    public boolean embedded() {
        return mode == Mode.EMBEDDED;
    }

    /** What the authority needs of these settings. */
    public AuthoritySettings authoritySettings() {
        Map<String, AuthoritySettings.Ca> cas = new LinkedHashMap<>();
        environments.forEach((name, e) -> cas.put(name,
                new AuthoritySettings.Ca(e.caKeyType(), e.caSubject(), e.caKeystore(), e.caPassword(), e.caValidity(), e.pkcs11())));
        return new AuthoritySettings(embedded(), dataDir, publicUrl, issuance.validity(), issuance.backdate(), cas);
    }

    /**
     * One environment and its CA.
     *
     * @param caKeystore         PKCS#12 file holding the CA key; empty: {@code <data-dir>/ca/<env>-ca.p12}
     * @param caPassword         the keystore's password, from the environment; in embedded mode a generated
     *                           password is kept beside a generated keystore when none is given
     * @param pkcs11             the CA key in a PKCS#11 token instead of a keystore, when its library is set
     */
    public record Environment(
            @DefaultValue("RSA_4096") @NotNull CaKeyType caKeyType,
            @NotBlank String caSubject,
            String caKeystore,
            String caPassword,
            @DefaultValue("3650d") Duration caValidity,
            Pkcs11Settings pkcs11) {

        public boolean inToken() {
            return pkcs11 != null && pkcs11.configured();
        }
    }

    public record Issuance(
            @DefaultValue("365d") Duration validity,
            @DefaultValue("5m") Duration backdate) {
    }

    public record Policy(
            @DefaultValue("2048") @Min(1024) int rsaMinBits,
            @DefaultValue("8192") int rsaMaxBits,
            @DefaultValue({"secp256r1", "secp384r1"}) List<String> allowedCurves,
            @DefaultValue("true") boolean commonNameMustMatchOrganizationId,
            @DefaultValue("true") boolean organizationRequired,
            @DefaultValue("API Client") List<String> neutralOrganizationalUnits,
            @DefaultValue("64") int maxSubjectValueLength) {
    }

    /** The support inbox certdesk polls over IMAP. */
    public record Intake(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("imap") String protocol,
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("3143") int port,
            String username,
            String password,
            @DefaultValue("INBOX") String folder,
            @DefaultValue("Processed") String processedFolder,
            @DefaultValue("Not-a-request") String notARequestFolder,
            @DefaultValue("Ignored") String ignoredFolder,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("100") int maxMailsPerPoll,
            /* larger mails are answered from their headers alone, their content never fetched */
            @DefaultValue("10MB") DataSize maxMailSize,
            /* where mail that carried, or may carry, a private key goes; empty: it is deleted */
            String quarantineFolder,
            /* IMAP IDLE: the server pushes new mail and a pass starts at once; poll-interval is then only the fallback */
            @DefaultValue("true") boolean idle,
            /* while IDLE works, a full pass still runs this often, in case a notification was missed */
            @DefaultValue("1m") Duration idleSweepInterval) {

        public boolean quarantines() {
            return quarantineFolder != null && !quarantineFolder.isBlank();
        }
    }

    /**
     * Limits on the replies certdesk sends without a person having decided anything (acknowledgements, refusals,
     * the how-to for mail without a CSR, private-key warnings, partner-chain answers, revocation refusals). A mail's
     * From is easily forged, so these replies are limited per address and per domain; replies over a limit are
     * recorded and counted, not sent, and the request goes on as usual.
     *
     * @param maxPerRecipient most automatic replies to one address within {@code window}
     * @param maxPerDomain    most automatic replies to the addresses of one domain within {@code window}
     * @param window          the period both limits count over
     */
    public record AutoReplies(
            @DefaultValue("5") @Min(1) int maxPerRecipient,
            @DefaultValue("20") @Min(1) int maxPerDomain,
            @DefaultValue("1h") Duration window) {
    }

    /**
     * The S/MIME key every outgoing mail is signed with; its chain is published at {@code /pki/mail-signing.pem}.
     *
     * @param enabled  false: mails go out unsigned
     * @param keystore PKCS#12 file with the signing key and its certificate chain; empty in embedded mode:
     *                 {@code <data-dir>/mail/mail-signing.p12}, created on first start. Required in production mode.
     * @param password the keystore's password, from the environment ({@code CERTDESK_MAIL_SIGNING_PASSWORD}); in
     *                 embedded mode a generated password is kept beside a generated keystore
     */
    public record MailSigning(
            @DefaultValue("true") boolean enabled,
            String keystore,
            String password) {
    }

    /**
     * How certdesk tells whether a support mail comes from its sender's domain (DKIM), shown to the approver as
     * {@code MAIL_AUTHENTICATED} or {@code MAIL_NOT_AUTHENTICATED}; organizations can require it (admin API).
     *
     * @param dkimKeys          DKIM key records by DNS name, e.g. {@code "s1._domainkey.acme.example": "v=DKIM1; k=rsa; p=..."},
     *                          used before DNS (for domains whose keys DNS cannot give certdesk)
     * @param dnsLookups        look DKIM keys up in DNS (TXT) when not configured
     * @param trustedAuthservId the receiving mail server whose {@code Authentication-Results} header is believed
     *                          (its authserv-id, e.g. {@code mx.certdesk.example}); empty: no such header is believed
     */
    public record MailAuthentication(
            @DefaultValue("true") boolean enabled,
            Map<String, String> dkimKeys,
            @DefaultValue("true") boolean dnsLookups,
            String trustedAuthservId) {

        public Map<String, String> dkimKeysOrNone() {
            return dkimKeys == null ? Map.of() : dkimKeys;
        }
    }

    /**
     * The operator's mail servers (IMAPS support inbox, SMTP submission).
     *
     * @param trustedCertificates PEM file of the certificates (e.g. an internal CA) to trust for the mail servers' TLS
     *                            besides the JVM's; empty: the JVM's trusted CAs only. Server names are always checked.
     */
    public record MailServers(String trustedCertificates) {
    }

    /** GreenMail inside certdesk, the embedded mode's support inbox and mail relay. */
    public record EmbeddedMail(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("127.0.0.1") String bindAddress,
            @DefaultValue("3025") int smtpPort,
            @DefaultValue("3143") int imapPort) {
    }

    /**
     * Expiry reminders and rotation.
     *
     * @param reminderDays    days before expiry at which the technical contacts are reminded, each once
     * @param supersedeGrace  how long a renewed certificate stays valid before it is revoked as superseded
     * @param maxPerSweep     the most reminders, expiries and revocations one sweep starts
     */
    public record Lifecycle(
            @DefaultValue({"30", "14", "7", "1"}) List<Integer> reminderDays,
            @DefaultValue("7d") Duration supersedeGrace,
            @DefaultValue("1000") int maxPerSweep) {
    }

    /**
     * The mTLS test endpoints: one HTTPS listener per environment, each requiring a client certificate trusted
     * for that environment.
     *
     * @param ports     listener port per environment; an environment without a port has no endpoint
     * @param hostNames DNS names in the server certificates (the first is their CN); 127.0.0.1 is always included
     */
    public record Mtls(
            @DefaultValue("true") boolean enabled,
            Map<String, Integer> ports,
            @DefaultValue("localhost") List<String> hostNames) {

        public Map<String, Integer> portsOrNone() {
            return ports == null ? Map.of() : ports;
        }
    }

    /**
     * CA rollovers and the operators' reminders of a CA's expiry.
     *
     * @param approverGroup   the Camunda group whose members start and approve rollovers (two different members)
     * @param operatorAddress where CA expiry reminders go besides the approver group's members' addresses
     * @param reminderDays    days before a CA's expiry at which the operators are reminded, each once
     * @param defaultOverlap  how long the previous CA stays trusted beside the new one unless the rollover says
     * @param decisionDue     when a rollover approval is due
     * @param users           administrators made members of the approver group at start (besides Camunda's admin
     *                        user), so that two different people can approve
     */
    public record CaRollover(
            @DefaultValue("camunda-admin") @NotBlank String approverGroup,
            String operatorAddress,
            @DefaultValue({"180", "90", "30"}) List<Integer> reminderDays,
            @DefaultValue("365d") Duration defaultOverlap,
            @DefaultValue("7d") Duration decisionDue,
            @DefaultValue List<Approvers.User> users) {
    }

    /** The Camunda group whose members decide requests, and its users. */
    public record Approvers(
            @DefaultValue("approvers") String group,
            @DefaultValue List<User> users,
            @DefaultValue("2d") Duration decisionDue,
            @DefaultValue("1d") Duration followUp) {

        public record User(@NotBlank String id, String password, String firstName, String lastName, String email) {
        }
    }

    /**
     * Mail to approvers about their tasks (see docs/approvers.md).
     *
     * @param enabled            false: no task, reminder or escalation mail is sent (the timers still raise priority)
     * @param pollInterval       how often waiting mails are looked at and sent
     * @param digest             per candidate group, the period one digest mail gathers; a group not named here gets
     *                           one mail per task as it appears
     * @param escalationGroup    whose members hear of a task whose due date passed (besides the escalation address)
     * @param escalationAddress  an address that hears of every task whose due date passed
     * @param overduePriority    the priority an overdue task gets, so that it stands out in the Tasklist (default 50)
     * @param tellClientWhenOverdue the client whose request waits past the due date gets one mail saying it is still
     *                           being looked at
     */
    public record Notifications(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2s") Duration pollInterval,
            Map<String, Duration> digest,
            String escalationGroup,
            String escalationAddress,
            @DefaultValue("100") int overduePriority,
            @DefaultValue("true") boolean tellClientWhenOverdue) {

        /** The digest period of {@code group}; null when its members get one mail per task. */
        public Duration digestOf(String group) {
            return digest == null ? null : digest.get(group);
        }
    }

    /**
     * The company directory (LDAP) approvers and administrators log in with, instead of Camunda's own users; off
     * while {@code url} is empty (see docs/approvers.md).
     *
     * @param url           e.g. {@code ldaps://ldap.example.com:636}
     * @param baseDn        where users and groups are searched below
     * @param bindDn        the read-only account certdesk searches with; empty: anonymous searches
     * @param bindPassword  its password, from the environment ({@code CERTDESK_DIRECTORY_PASSWORD})
     * @param userBase      users are searched below this (relative to {@code baseDn})
     * @param userIdAttribute the attribute people log in with
     * @param userObjectClass the object class of users
     * @param groupBase     groups are searched below this (relative to {@code baseDn})
     * @param groupObjectClass the object class of groups
     * @param groupIdAttribute the attribute naming a group
     * @param memberAttribute the attribute of a group listing its members' DNs
     * @param groups        directory group name to certdesk group id, e.g. {@code pki-approvers: approvers},
     *                      {@code pki-admins: camunda-admin}; only these groups are seen by certdesk
     * @param timeout       connect and read timeout for the directory
     */
    public record Directory(
            String url,
            String baseDn,
            String bindDn,
            String bindPassword,
            @DefaultValue("ou=people") String userBase,
            @DefaultValue("uid") String userIdAttribute,
            @DefaultValue("inetOrgPerson") String userObjectClass,
            @DefaultValue("ou=groups") String groupBase,
            @DefaultValue("groupOfNames") String groupObjectClass,
            @DefaultValue("cn") String groupIdAttribute,
            @DefaultValue("member") String memberAttribute,
            Map<String, String> groups,
            @DefaultValue("5s") Duration timeout) {

        public boolean configured() {
            return url != null && !url.isBlank();
        }

        public Map<String, String> groupsOrNone() {
            return groups == null ? Map.of() : groups;
        }
    }
}
