package io.certdesk.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.Rest;
import io.certdesk.support.Slapd;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import io.certdesk.trust.PartnerTrustProcess;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Approvers and administrators from a real OpenLDAP directory (slapd on loopback): they log in to the Tasklist and
 * the REST API with their directory password, see and complete their group's tasks, and hear of tasks at their
 * directory address. Four eyes holds across spellings of one login; a person removed from the group loses access;
 * with the directory down, logins fail saying so while intake goes on.
 */
class LdapDirectoryIT {

    static final String PEOPLE = "ou=people," + Slapd.BASE;
    static final String GROUPS = "ou=groups," + Slapd.BASE;

    static Slapd slapd;
    static StandaloneCertdesk certdesk;
    static Mailbox mailbox;
    static String root;

    @BeforeAll
    static void start() throws Exception {
        slapd = Slapd.start("""
                dn: %1$s
                objectClass: organizationalUnit
                ou: people

                %3$s
                %4$s
                %5$s
                %6$s
                dn: %2$s
                objectClass: organizationalUnit
                ou: groups

                dn: cn=pki-approvers,%2$s
                objectClass: groupOfNames
                cn: pki-approvers
                member: uid=alice,%1$s
                member: uid=bob,%1$s

                dn: cn=pki-admins,%2$s
                objectClass: groupOfNames
                cn: pki-admins
                member: uid=carol,%1$s
                """.formatted(PEOPLE, GROUPS, person("alice", "Alice", "alice@corp.test"), person("bob", "Bob", "bob@corp.test"),
                person("carol", "Carol", "carol@corp.test"), person("dave", "Dave", "dave@corp.test")));
        Path dataDir = Files.createTempDirectory("certdesk-ldap-");
        int smtp = Ports.free();
        int imap = Ports.free();
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(dataDir, smtp, imap);
        properties.put("certdesk.directory.url", slapd.url());
        properties.put("certdesk.directory.base-dn", Slapd.BASE);
        properties.put("certdesk.directory.bind-dn", Slapd.ADMIN_DN);
        properties.put("certdesk.directory.bind-password", Slapd.ADMIN_PASSWORD);
        properties.put("certdesk.directory.timeout", "2s");
        properties.put("certdesk.directory.groups.pki-approvers", "approvers");
        properties.put("certdesk.directory.groups.pki-admins", "camunda-admin");
        properties.put("camunda.bpm.admin-user.id", "carol");
        properties.put("certdesk.notifications.poll-interval", "250ms");
        certdesk = StandaloneCertdesk.start(properties);
        mailbox = new Mailbox("127.0.0.1", smtp, imap);
        root = "http://localhost:" + certdesk.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (certdesk != null) {
            certdesk.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    static String person(String uid, String name, String mail) {
        return """
                dn: uid=%1$s,%4$s
                objectClass: inetOrgPerson
                uid: %1$s
                cn: %2$s
                givenName: %2$s
                sn: Example
                mail: %3$s
                userPassword: %1$s-directory-pw

                """.formatted(uid, name, mail, PEOPLE);
    }

    @Test
    void aDirectoryApproverLogsInToTheTasklistSeesTheGroupsTaskAndDecidesIt() throws Exception {
        String reference = request("ldap-1");
        Task task = certdesk.awaitApprovalTask(reference);

        // the Tasklist's own login, with the directory password
        Rest tasklist = Rest.webappSession(root, "alice", "alice-directory-pw");
        assertThat(tasklist.get("/camunda/api/engine/engine/default/task?processInstanceBusinessKey=" + reference).body())
                .contains(task.getId());
        // someone in the directory but not in the approvers group sees nothing
        assertThat(Rest.basic(root, "dave", "dave-directory-pw").get("/engine-rest/task?processInstanceBusinessKey=" + reference).body())
                .isEqualTo("[]");
        assertThat(Rest.basic(root, "alice", "wrong").get("/engine-rest/task").status()).isEqualTo(401);

        // the task mail went to the address in the directory
        assertThat(mailAbout("alice@corp.test", reference).subject()).contains("Waiting for your decision");
        assertThat(mailAbout("bob@corp.test", reference).subject()).contains("Waiting for your decision");

        assertThat(Rest.basic(root, "alice", "alice-directory-pw").post("/engine-rest/task/" + task.getId() + "/complete",
                "{\"variables\":{\"approved\":{\"value\":true}}}").status()).isEqualTo(204);
        assertThat(certdesk.bean(JdbcClient.class).sql("select decided_by from certificate_request where reference = ?")
                .param(reference).query(String.class).single()).isEqualTo("alice");
        // an administrator from the directory reaches certdesk's admin API
        assertThat(Rest.basic(root, "carol", "carol-directory-pw").get("/admin/partner-blocks").status()).isEqualTo(200);
        assertThat(Rest.basic(root, "alice", "alice-directory-pw").get("/admin/partner-blocks").status()).isEqualTo(403);
    }

    @Test
    void fourEyesHoldAcrossTwoLoginsOfTheSameDirectoryUser() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued partnerRoot = TestPki.root("CN=Ldap Partner Root,O=Partner", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(900)));
        TestPki.Issued leaf = TestPki.leaf("CN=ldap-partner-client,O=Partner", partnerRoot, KeyPurposeId.id_kp_clientAuth);
        String from = "ldap-partner@acme.test";
        mailbox.send(Mailbox.from(from).subject("Our partner certificate").body("Organization ID: ldap-partner\nEnvironment: qa\n")
                .attach("chain.pem", (leaf.pem() + partnerRoot.pem()).getBytes()));
        String ack = mailbox.awaitOne(from).subject();
        String reference = ack.substring(ack.indexOf("TR-"), ack.indexOf(']'));
        Task first = awaitTask(reference, PartnerTrustProcess.FIRST_APPROVAL);
        assertThat(Rest.basic(root, "alice", "alice-directory-pw").post("/engine-rest/task/" + first.getId() + "/complete",
                "{\"variables\":{\"firstApproved\":{\"value\":true}}}").status()).isEqualTo(204);

        Task second = awaitTask(reference, PartnerTrustProcess.SECOND_APPROVAL);
        // LDAP matches "ALICE" to alice's entry; certdesk takes a login only as the directory spells it
        assertThat(Rest.basic(root, "ALICE", "alice-directory-pw").post("/engine-rest/task/" + second.getId() + "/complete",
                "{\"variables\":{\"secondApproved\":{\"value\":true}}}").status()).isEqualTo(401);
        assertThat(Rest.webappLoginStatus(root, " alice", "alice-directory-pw")).isEqualTo(401);
        Rest.Response again = Rest.basic(root, "alice", "alice-directory-pw").post("/engine-rest/task/" + second.getId() + "/complete",
                "{\"variables\":{\"secondApproved\":{\"value\":true}}}");
        assertThat(again.body()).contains("Four eyes");
        assertThat(Rest.basic(root, "bob", "bob-directory-pw").post("/engine-rest/task/" + second.getId() + "/complete",
                "{\"variables\":{\"secondApproved\":{\"value\":true}}}").status()).isEqualTo(204);
    }

    @Test
    void aPersonRemovedFromTheGroupInTheDirectoryLosesAccessAtOnce() throws Exception {
        String reference = request("ldap-2");
        Task task = certdesk.awaitApprovalTask(reference);
        assertThat(Rest.basic(root, "bob", "bob-directory-pw").get("/engine-rest/task?processInstanceBusinessKey=" + reference).body())
                .contains(task.getId());

        slapd.modify("""
                dn: cn=pki-approvers,%s
                changetype: modify
                delete: member
                member: uid=bob,%s
                """.formatted(GROUPS, PEOPLE));
        try {
            Rest bob = Rest.basic(root, "bob", "bob-directory-pw");
            assertThat(bob.get("/engine-rest/task?processInstanceBusinessKey=" + reference).body()).isEqualTo("[]");
            assertThat(bob.post("/engine-rest/task/" + task.getId() + "/complete",
                    "{\"variables\":{\"approved\":{\"value\":true}}}").status()).isGreaterThanOrEqualTo(400);
            assertThat(certdesk.bean(TaskService.class).createTaskQuery().taskId(task.getId()).count()).isEqualTo(1);
        } finally {
            slapd.modify("""
                    dn: cn=pki-approvers,%s
                    changetype: modify
                    add: member
                    member: uid=bob,%s
                    """.formatted(GROUPS, PEOPLE));
        }
    }

    @Test
    void withTheDirectoryDownLoginsFailSayingSoAndMailIsStillTakenIn() throws Exception {
        slapd.stop();
        try {
            Rest.Response login = Rest.webappLogin(root, "alice", "alice-directory-pw");
            assertThat(login.status()).isNotEqualTo(200);
            assertThat(login.body()).contains("company directory").contains("cannot be reached");
            assertThat(Rest.basic(root, "alice", "alice-directory-pw").get("/engine-rest/task").status()).isNotEqualTo(200);

            String reference = request("ldap-3");
            certdesk.awaitApprovalTask(reference);
        } finally {
            slapd.startServer();
        }
        Rest.webappSession(root, "alice", "alice-directory-pw");
    }

    private static String request(String organizationId) throws Exception {
        String from = organizationId + "@acme.test";
        mailbox.send(Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId,
                        TestCsrs.ec("secp256r1"))).getBytes()));
        String subject = mailbox.awaitOne(from).subject();
        Matcher reference = Pattern.compile("CR-\\d{4}-\\d{6}").matcher(subject);
        assertThat(reference.find()).as(subject).isTrue();
        return reference.group();
    }

    private static Mailbox.Received mailAbout(String address, String reference) throws Exception {
        for (int i = 0; i < 150; i++) {
            for (Mailbox.Received mail : mailbox.read(address, "INBOX")) {
                if (mail.subject().contains(reference)) {
                    return mail;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail about " + reference + " for " + address);
    }

    private static Task awaitTask(String reference, String key) throws InterruptedException {
        TaskService tasks = certdesk.bean(TaskService.class);
        for (int i = 0; i < 300; i++) {
            Task task = tasks.createTaskQuery().processInstanceBusinessKey(reference).taskDefinitionKey(key).singleResult();
            if (task != null) {
                return task;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no task " + key + " for " + reference);
    }
}
