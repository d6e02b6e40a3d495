package io.certdesk.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Password guessing is limited per client address, not per account. The engine's own limit was per account, and
 * anyone could use it against the account's owner: a wrong password locked the user out for seconds, growing to a
 * minute, and ten made the lock permanent, with no way back but SQL. Here a client address that failed
 * {@link LoginSettings#maxFailures()} logins within {@link LoginSettings#window()} gets 429 with Retry-After for
 * every request that carries a password, without the password being checked; everyone else logs in as before. A
 * failed login is a 401 to HTTP Basic on the paths that check it or to the webapps' login form; a login counts as
 * failed from the moment it is admitted until its password is accepted ({@link PasswordAccepted}) or its answer says
 * otherwise, so logins sent at once get no more checks than logins sent one after the other. Failed logins are
 * counted ({@code certdesk_logins_failed_total}) for alerting on guessing from many addresses. IPv6 clients count per
 * /64 network, which one client usually holds whole. Counts are per node and kept for at most {@value #MAX_CLIENTS}
 * addresses, the longest unused forgotten first.
 */
public class LoginThrottle extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    static final int MAX_CLIENTS = 10_000;

    private final LoginSettings settings;
    private final Clock clock;
    private final Counter failedLogins;
    /** Per client, its failed logins within the window and its logins being checked now; guarded by itself. */
    private final Map<String, Client> clients = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Client> eldest) {
            // the longest unused first, skipping clients with a login being checked
            Iterator<Client> unused = values().iterator();
            while (size() > MAX_CLIENTS && unused.hasNext()) {
                if (unused.next().checking == 0) {
                    unused.remove();
                }
            }
            return false;
        }
    };

    private static final class Client {
        final Deque<Instant> failures = new ArrayDeque<>();
        int checking;
    }

    public LoginThrottle(LoginSettings settings, Clock clock, MeterRegistry metrics) {
        this.settings = settings;
        this.clock = clock;
        this.failedLogins = metrics.counter("certdesk.logins.failed");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!carriesPassword(request)) {
            chain.doFilter(request, response);
            return;
        }
        String client = client(request.getRemoteAddr());
        Duration wait = admit(client);
        if (wait != null) {
            long seconds = Math.max(1, wait.toSeconds() + 1);
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(seconds));
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("Too many failed logins from this address: try again in " + seconds + " s\n");
            return;
        }
        Settlement settlement = new Settlement(client);
        request.setAttribute(SETTLEMENT, settlement);
        try {
            chain.doFilter(request, response);
        } finally {
            // a 401 is a failed login; anything else (a login form's success, an answer without a password check) is
            // none, also when the client went away before its answer
            settlement.settle(response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED);
        }
    }

    /** The request attribute under which a login's {@link Settlement} travels to {@link PasswordAccepted}. */
    static final String SETTLEMENT = LoginThrottle.class.getName() + ".settlement";

    /** One admitted login, settled once: when its password was accepted, or when its answer is known. */
    final class Settlement {

        private final String client;
        private boolean settled;

        Settlement(String client) {
            this.client = client;
        }

        synchronized void settle(boolean failed) {
            if (!settled) {
                settled = true;
                done(client, failed);
            }
        }
    }

    /**
     * Runs after the HTTP Basic checks ({@code /engine-rest}, {@code /admin}, {@code /actuator/prometheus}): a request
     * that gets here had its password accepted, so it stops counting against its address at once, not only when its
     * answer is written. Logins held open (a slow upload, a long answer) would otherwise use up their address's
     * budget and turn away its users with correct passwords.
     */
    public static class PasswordAccepted extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(SETTLEMENT) instanceof Settlement settlement) {
                settlement.settle(false);
            }
            chain.doFilter(request, response);
        }
    }

    /**
     * What carries a password that certdesk or the engine checks: HTTP Basic on the paths that check it, and the
     * webapps' login form. Paths as the servlet container resolved them (path parameters and encodings gone), so
     * {@code /admin;x/} is {@code /admin/}.
     */
    static boolean carriesPassword(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (request.getHeader("Authorization") != null) {
            return path.startsWith("/engine-rest/") || path.startsWith("/admin/") || path.equals("/actuator/prometheus");
        }
        return "POST".equalsIgnoreCase(request.getMethod()) && path.startsWith("/camunda/api/admin/auth/user/")
                && path.contains("/login/");
    }

    /**
     * Admits a login of {@code client} to be checked, or says how long it must wait: a login being checked counts as
     * failed until its answer says otherwise, so that logins sent all at once get no more checks than one after the
     * other. Null when admitted; then {@link #done} must follow.
     */
    Duration admit(String client) {
        Instant now = clock.instant();
        Instant since = now.minus(settings.window());
        synchronized (clients) {
            Client counts = clients.computeIfAbsent(client, c -> new Client());
            while (!counts.failures.isEmpty() && !counts.failures.peekFirst().isAfter(since)) {
                counts.failures.pollFirst();
            }
            if (counts.failures.size() + counts.checking < settings.maxFailures()) {
                counts.checking++;
                return null;
            }
            // the earliest moment one more may be checked: when the oldest failure leaves the window (or, while only
            // logins being checked fill the budget, after a second)
            return counts.failures.size() < settings.maxFailures() || counts.failures.isEmpty() ? Duration.ofSeconds(1)
                    : Duration.between(since, counts.failures.peekFirst());
        }
    }

    /** The answer to an admitted login: {@code failed} when it was a 401 (or no answer at all). */
    void done(String client, boolean failed) {
        Instant now = clock.instant();
        int count;
        synchronized (clients) {
            Client counts = clients.computeIfAbsent(client, c -> new Client());
            counts.checking = Math.max(0, counts.checking - 1);
            if (!failed) {
                if (counts.failures.isEmpty() && counts.checking == 0) {
                    clients.remove(client);
                }
                return;
            }
            counts.failures.addLast(now);
            while (counts.failures.size() > settings.maxFailures()) {
                counts.failures.pollFirst();
            }
            count = counts.failures.size();
        }
        failedLogins.increment();
        if (count == settings.maxFailures()) {
            log.warn("{} failed logins from {} within {}: its logins are refused until the first of them is {} old",
                    count, client, settings.window(), settings.window());
        }
    }

    /** The address a client is counted by: itself, or for IPv6 its /64 network. */
    static String client(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0) {
            return String.valueOf(remoteAddress);
        }
        try {
            byte[] address = InetAddress.getByName(remoteAddress).getAddress();
            if (address.length != 16) {
                return remoteAddress;
            }
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff))).append(':');
            }
            return network.append(":/64").toString();
        } catch (UnknownHostException notAnAddress) {
            return remoteAddress;
        }
    }
}
