package io.certdesk.directory;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.naming.AuthenticationException;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.SizeLimitExceededException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.LdapName;

import io.certdesk.config.CertdeskProperties;

/**
 * Reads people and groups from the company directory over LDAP (the JDK's JNDI provider), and checks a
 * password by binding as the person. Read-only: certdesk never writes to the directory. Only the groups named in
 * {@code certdesk.directory.groups} are seen, under their certdesk ids. Search values are escaped by JNDI's filter
 * arguments, never pasted into filters.
 */
public class LdapDirectory {

    /** A person: login id (as the directory spells it), DN, names and mail address. */
    public record Person(String id, LdapName dn, String firstName, String lastName, String email) {
    }

    /** A mapped group: certdesk's id for it, its directory name, and its members' DNs. */
    public record Team(String id, String name, List<LdapName> members) {
    }

    /** The directory cannot be reached or answered with an error: nothing can be decided about anyone. */
    public static class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int MAX_PEOPLE = 2000;

    private final CertdeskProperties.Directory settings;

    public LdapDirectory(CertdeskProperties.Directory settings) {
        this.settings = settings;
    }

    public String url() {
        return settings.url();
    }

    /** The person whose login id is exactly {@code id} (the same letters in the same case), or null. */
    public Person person(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        return people("(" + settings.userIdAttribute() + "={0})", id).stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }

    /** Every person, up to 2000. */
    public List<Person> everyone() {
        return people("", (Object) null);
    }

    /** True when {@code password} is the password of the person with login id exactly {@code id}. */
    public boolean authenticate(String id, String password) {
        if (password == null || password.isEmpty()) {
            // an empty password is an anonymous bind to LDAP servers, which succeeds
            return false;
        }
        Person person = person(id);
        if (person == null) {
            return false;
        }
        try {
            connect(person.dn().toString(), password).close();
            return true;
        } catch (AuthenticationException wrongPassword) {
            return false;
        } catch (NamingException e) {
            throw unavailable(e);
        }
    }

    /** The groups certdesk maps, with their members. */
    public List<Team> teams() {
        List<Team> teams = new ArrayList<>();
        for (Map.Entry<String, String> mapping : settings.groupsOrNone().entrySet()) {
            withContext(context -> {
                SearchControls controls = new SearchControls();
                controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
                controls.setReturningAttributes(new String[]{settings.groupIdAttribute(), settings.memberAttribute()});
                NamingEnumeration<SearchResult> found = context.search(under(settings.groupBase()),
                        "(&(objectClass=" + settings.groupObjectClass() + ")(" + settings.groupIdAttribute() + "={0}))",
                        new Object[]{mapping.getKey()}, controls);
                while (found.hasMore()) {
                    SearchResult result = found.next();
                    List<LdapName> members = new ArrayList<>();
                    Attribute member = result.getAttributes().get(settings.memberAttribute());
                    if (member != null) {
                        for (NamingEnumeration<?> values = member.getAll(); values.hasMore(); ) {
                            members.add(new LdapName(values.next().toString()));
                        }
                    }
                    teams.add(new Team(mapping.getValue(), mapping.getKey(), members));
                }
                return null;
            });
        }
        return teams;
    }

    private List<Person> people(String filter, Object... arguments) {
        return withContext(context -> {
            SearchControls controls = new SearchControls();
            controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
            controls.setCountLimit(MAX_PEOPLE);
            controls.setReturningAttributes(new String[]{settings.userIdAttribute(), "givenName", "sn", "cn", "mail"});
            String expression = "(&(objectClass=" + settings.userObjectClass() + ")" + filter + ")";
            NamingEnumeration<SearchResult> found = arguments.length == 1 && arguments[0] == null
                    ? context.search(under(settings.userBase()), expression, controls)
                    : context.search(under(settings.userBase()), expression, arguments, controls);
            List<Person> people = new ArrayList<>();
            try {
                while (found.hasMore()) {
                    SearchResult result = found.next();
                    Attributes a = result.getAttributes();
                    String id = text(a, settings.userIdAttribute());
                    if (id != null) {
                        String first = text(a, "givenName");
                        people.add(new Person(id, new LdapName(result.getNameInNamespace()), first != null ? first : text(a, "cn"),
                                text(a, "sn"), text(a, "mail")));
                    }
                }
            } catch (SizeLimitExceededException enough) {
                // the first MAX_PEOPLE
            }
            return people;
        });
    }

    private String under(String relative) {
        String base = settings.baseDn() == null ? "" : settings.baseDn();
        return relative == null || relative.isBlank() ? base : base.isBlank() ? relative : relative + "," + base;
    }

    private static String text(Attributes attributes, String name) throws NamingException {
        Attribute attribute = attributes.get(name);
        return attribute == null || attribute.get() == null ? null : attribute.get().toString();
    }

    private interface Search<T> {
        T run(DirContext context) throws NamingException;
    }

    private <T> T withContext(Search<T> search) {
        DirContext context = null;
        try {
            context = connect(blank(settings.bindDn()) ? null : settings.bindDn(), settings.bindPassword());
            return search.run(context);
        } catch (NamingException e) {
            throw unavailable(e);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException ignored) {
                    // closing a connection that broke
                }
            }
        }
    }

    private DirContext connect(String dn, String password) throws NamingException {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, settings.url());
        env.put("com.sun.jndi.ldap.connect.timeout", String.valueOf(settings.timeout().toMillis()));
        env.put("com.sun.jndi.ldap.read.timeout", String.valueOf(settings.timeout().toMillis()));
        env.put(Context.REFERRAL, "ignore");
        if (dn == null) {
            env.put(Context.SECURITY_AUTHENTICATION, "none");
        } else {
            env.put(Context.SECURITY_AUTHENTICATION, "simple");
            env.put(Context.SECURITY_PRINCIPAL, dn);
            env.put(Context.SECURITY_CREDENTIALS, password == null ? "" : password);
        }
        return new InitialDirContext(env);
    }

    private Unavailable unavailable(NamingException e) {
        return new Unavailable("The company directory at " + settings.url() + " cannot be reached or refused the search ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); "
                + "logins are not possible until it answers again", e);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
