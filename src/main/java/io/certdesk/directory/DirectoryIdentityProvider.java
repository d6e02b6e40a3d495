package io.certdesk.directory;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.naming.ldap.LdapName;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.GroupQuery;
import org.camunda.bpm.engine.identity.NativeUserQuery;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.identity.TenantQuery;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.identity.UserQuery;
import org.camunda.bpm.engine.impl.GroupQueryImpl;
import org.camunda.bpm.engine.impl.Page;
import org.camunda.bpm.engine.impl.TenantQueryImpl;
import org.camunda.bpm.engine.impl.UserQueryImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.ReadOnlyIdentityProvider;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.impl.persistence.entity.GroupEntity;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camunda's users and groups, read from the company directory: the Tasklist, Cockpit and the REST API log people
 * in with {@link #checkPassword} (a bind as that person), candidate groups and authorizations resolve through the
 * mapped groups, and task mails go to the directory's addresses. Read-only; no tenants.
 */
public class DirectoryIdentityProvider implements ReadOnlyIdentityProvider {

    private static final Logger log = LoggerFactory.getLogger(DirectoryIdentityProvider.class);

    private final LdapDirectory directory;

    public DirectoryIdentityProvider(LdapDirectory directory) {
        this.directory = directory;
    }

    @Override
    public boolean checkPassword(String userId, String password) {
        try {
            return directory.authenticate(userId, password);
        } catch (LdapDirectory.Unavailable e) {
            log.warn("Login of '{}' refused: {}", userId, e.getMessage());
            throw new ProcessEngineException(e.getMessage(), e);
        }
    }

    @Override
    public User findUserById(String userId) {
        LdapDirectory.Person person = lookUp(() -> directory.person(userId));
        return person == null ? null : user(person);
    }

    @Override
    public UserQuery createUserQuery() {
        return new DirectoryUserQuery(Context.getProcessEngineConfiguration().getCommandExecutorTxRequired());
    }

    @Override
    public UserQuery createUserQuery(CommandContext commandContext) {
        return new DirectoryUserQuery();
    }

    @Override
    public NativeUserQuery createNativeUserQuery() {
        throw new UnsupportedOperationException("certdesk's directory has no native user queries");
    }

    @Override
    public Group findGroupById(String groupId) {
        return teams().filter(t -> t.id().equals(groupId)).findFirst().map(DirectoryIdentityProvider::group).orElse(null);
    }

    @Override
    public GroupQuery createGroupQuery() {
        return new DirectoryGroupQuery(Context.getProcessEngineConfiguration().getCommandExecutorTxRequired());
    }

    @Override
    public GroupQuery createGroupQuery(CommandContext commandContext) {
        return new DirectoryGroupQuery();
    }

    @Override
    public Tenant findTenantById(String tenantId) {
        return null;
    }

    @Override
    public TenantQuery createTenantQuery() {
        return new NoTenants(Context.getProcessEngineConfiguration().getCommandExecutorTxRequired());
    }

    @Override
    public TenantQuery createTenantQuery(CommandContext commandContext) {
        return new NoTenants();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    private static User user(LdapDirectory.Person person) {
        UserEntity user = new UserEntity(person.id());
        user.setFirstName(person.firstName());
        user.setLastName(person.lastName());
        user.setEmail(person.email());
        return user;
    }

    private static Group group(LdapDirectory.Team team) {
        GroupEntity group = new GroupEntity(team.id());
        group.setName(team.name());
        group.setType(Groups.CAMUNDA_ADMIN.equals(team.id()) ? Groups.GROUP_TYPE_SYSTEM : Groups.GROUP_TYPE_WORKFLOW);
        return group;
    }

    private Stream<LdapDirectory.Team> teams() {
        return lookUp(directory::teams).stream();
    }

    private static <T> T lookUp(Supplier<T> search) {
        try {
            return search.get();
        } catch (LdapDirectory.Unavailable e) {
            throw new ProcessEngineException(e.getMessage(), e);
        }
    }

    /** SQL's LIKE with % and _, as Camunda's own queries take it. */
    private static boolean like(String value, String pattern) {
        if (value == null) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(value).matches();
    }

    private static <T> List<T> page(List<T> all, Page page) {
        if (page == null) {
            return all;
        }
        int from = Math.min(page.getFirstResult(), all.size());
        int to = (int) Math.min((long) from + page.getMaxResults(), all.size());
        return all.subList(from, to);
    }

    private class DirectoryUserQuery extends UserQueryImpl {

        DirectoryUserQuery() {
        }

        DirectoryUserQuery(CommandExecutor executor) {
            super(executor);
        }

        @Override
        public long executeCount(CommandContext commandContext) {
            return matching().size();
        }

        @Override
        public List<User> executeList(CommandContext commandContext, Page page) {
            return page(matching(), page);
        }

        private List<User> matching() {
            if (tenantId != null || procDefId != null) {
                return List.of();
            }
            List<LdapDirectory.Person> candidates = id != null
                    ? Stream.ofNullable(lookUp(() -> directory.person(id))).toList()
                    : lookUp(directory::everyone);
            Predicate<LdapDirectory.Person> wanted = p -> (ids == null || Arrays.asList(ids).contains(p.id()))
                    && (firstName == null || firstName.equals(p.firstName()))
                    && (firstNameLike == null || like(p.firstName(), firstNameLike))
                    && (lastName == null || lastName.equals(p.lastName()))
                    && (lastNameLike == null || like(p.lastName(), lastNameLike))
                    && (email == null || email.equalsIgnoreCase(p.email()))
                    && (emailLike == null || like(p.email(), emailLike));
            List<LdapDirectory.Person> people = candidates.stream().filter(wanted).toList();
            if (groupId != null) {
                List<LdapName> members = teams().filter(t -> t.id().equals(groupId))
                        .flatMap(t -> t.members().stream()).toList();
                people = people.stream().filter(p -> members.contains(p.dn())).toList();
            }
            return people.stream().sorted(Comparator.comparing(LdapDirectory.Person::id)).map(DirectoryIdentityProvider::user).toList();
        }
    }

    private class DirectoryGroupQuery extends GroupQueryImpl {

        DirectoryGroupQuery() {
        }

        DirectoryGroupQuery(CommandExecutor executor) {
            super(executor);
        }

        @Override
        public long executeCount(CommandContext commandContext) {
            return matching().size();
        }

        @Override
        public List<Group> executeList(CommandContext commandContext, Page page) {
            return page(matching(), page);
        }

        private List<Group> matching() {
            if (tenantId != null || procDefId != null) {
                return List.of();
            }
            LdapDirectory.Person member = userId == null ? null : lookUp(() -> directory.person(userId));
            if (userId != null && member == null) {
                return List.of();
            }
            return teams()
                    .filter(t -> id == null || id.equals(t.id()))
                    .filter(t -> ids == null || Arrays.asList(ids).contains(t.id()))
                    .filter(t -> name == null || name.equals(t.name()))
                    .filter(t -> nameLike == null || like(t.name(), nameLike))
                    .filter(t -> member == null || t.members().contains(member.dn()))
                    .map(DirectoryIdentityProvider::group)
                    .filter(g -> type == null || Objects.equals(type, g.getType()))
                    .sorted(Comparator.comparing(Group::getId)).toList();
        }
    }

    private static class NoTenants extends TenantQueryImpl {

        NoTenants() {
        }

        NoTenants(CommandExecutor executor) {
            super(executor);
        }

        @Override
        public long executeCount(CommandContext commandContext) {
            return 0;
        }

        @Override
        public List<Tenant> executeList(CommandContext commandContext, Page page) {
            return List.of();
        }
    }
}
