package io.certdesk.config;

import java.util.List;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Creates the approvers group and its configured users in Camunda's identity store. In production mode every
 * user needs a password from the environment; in embedded mode the development defaults are printed.
 */
@Component
public class CamundaUsers {

    private static final Logger log = LoggerFactory.getLogger(CamundaUsers.class);

    private final IdentityService identity;
    private final AuthorizationService authorizations;
    private final CertdeskProperties properties;

    private final String adminId;
    private final String adminPassword;

    public CamundaUsers(IdentityService identity, AuthorizationService authorizations, CertdeskProperties properties,
                        @Value("${camunda.bpm.admin-user.id:}") String adminId,
                        @Value("${camunda.bpm.admin-user.password:}") String adminPassword) {
        this.identity = identity;
        this.authorizations = authorizations;
        this.properties = properties;
        this.adminId = adminId;
        this.adminPassword = adminPassword;
        if (!properties.embedded() && (adminPassword == null || adminPassword.isBlank())) {
            throw new IllegalStateException("production mode: the Camunda admin has no password; set CERTDESK_ADMIN_PASSWORD");
        }
        for (CertdeskProperties.Approvers.User user : properties.directory().configured() ? List.<CertdeskProperties.Approvers.User>of()
                : properties.approvers().users()) {
            if (!properties.embedded() && (user.password() == null || user.password().isBlank())) {
                throw new IllegalStateException("production mode: approver '" + user.id() + "' has no password; set it "
                        + "from the environment (certdesk.approvers.users[n].password)");
            }
        }
    }

    /**
     * With Camunda authorization on, approvers may open the Tasklist and its filters and read process
     * definitions; each task is theirs to see and complete only while their group is its candidate group.
     */
    private void grantApprovers(String groupId) {
        grant(groupId, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
        grant(groupId, Resources.FILTER, "*", Permissions.READ);
        grant(groupId, Resources.PROCESS_DEFINITION, "*", Permissions.READ);
    }

    private void grant(String groupId, Resource resource, String resourceId, Permission permission) {
        boolean exists = authorizations.createAuthorizationQuery().groupIdIn(groupId).resourceType(resource)
                .resourceId(resourceId).hasPermission(permission).count() > 0;
        if (!exists) {
            Authorization authorization = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
            authorization.setGroupId(groupId);
            authorization.setResource(resource);
            authorization.setResourceId(resourceId);
            authorization.addPermission(permission);
            authorizations.saveAuthorization(authorization);
        }
    }

    /**
     * A password changed in the environment takes effect at the next start for a user that already exists: the
     * configured password is set at every start (a check against the stored hash would count as a failed login).
     */
    private void applyConfiguredPassword(String userId, String password) {
        if (password == null || password.isBlank()) {
            return;
        }
        User existing = identity.createUserQuery().userId(userId).singleResult();
        if (existing != null) {
            existing.setPassword(password);
            identity.saveUser(existing);
        }
    }

    /** An address changed in the configuration reaches an existing user, so task mails follow it. */
    private void applyConfiguredEmail(String userId, String email) {
        User existing = identity.createUserQuery().userId(userId).singleResult();
        if (existing != null && email != null && !email.isBlank() && !email.equals(existing.getEmail())) {
            existing.setEmail(email);
            identity.saveUser(existing);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void createApprovers() {
        grantApprovers(properties.approvers().group());
        if (properties.embedded() && !adminId.isBlank()) {
            log.warn("Embedded mode: Camunda admin '{}' with password '{}' (development default; never use in production)",
                    adminId, adminPassword);
        }
        String groupId = properties.approvers().group();
        if (identity.isReadOnly()) {
            // users, groups and passwords come from the company directory (certdesk.directory)
            log.info("Approvers are the directory's members of the group mapped to '{}'; configured users are not created", groupId);
            return;
        }
        if (identity.createGroupQuery().groupId(groupId).count() == 0) {
            Group group = identity.newGroup(groupId);
            group.setName("Certificate approvers");
            group.setType("WORKFLOW");
            identity.saveGroup(group);
        }
        if (!adminId.isBlank()) {
            applyConfiguredPassword(adminId, adminPassword);
        }
        createMembers(properties.approvers().users(), groupId, "approver");
        String rolloverGroup = properties.caRollover().approverGroup();
        if (!properties.caRollover().users().isEmpty() && identity.createGroupQuery().groupId(rolloverGroup).count() == 0) {
            Group group = identity.newGroup(rolloverGroup);
            group.setName("CA rollover approvers");
            group.setType("SYSTEM");
            identity.saveGroup(group);
        }
        createMembers(properties.caRollover().users(), rolloverGroup, "CA rollover approver");
    }

    private void createMembers(List<CertdeskProperties.Approvers.User> users, String groupId, String role) {
        for (CertdeskProperties.Approvers.User configured : users) {
            applyConfiguredPassword(configured.id(), configured.password());
            if (identity.createUserQuery().userId(configured.id()).count() == 0) {
                User user = identity.newUser(configured.id());
                user.setPassword(configured.password());
                user.setFirstName(configured.firstName() == null ? configured.id() : configured.firstName());
                user.setLastName(configured.lastName() == null ? "" : configured.lastName());
                user.setEmail(configured.email());
                identity.saveUser(user);
            }
            applyConfiguredEmail(configured.id(), configured.email());
            if (identity.createUserQuery().userId(configured.id()).memberOfGroup(groupId).count() == 0) {
                identity.createMembership(configured.id(), groupId);
            }
            if (properties.embedded()) {
                log.warn("Embedded mode: {} '{}' with password '{}' (development default; never use in production)",
                        role, configured.id(), configured.password());
            }
        }
    }
}
