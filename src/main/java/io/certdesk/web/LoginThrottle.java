package io.certdesk.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * failed login is a 401 to a request with an {@code Authorization} header or to the webapps' login form. IPv6
 * clients count per /64 network, which one client usually holds whole. Counts are per node and kept for at most
 * {@value #MAX_CLIENTS} addresses, the longest unused forgotten first.
 */
public class LoginThrottle extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    static final int MAX_CLIENTS = 10_000;

    private final LoginSettings settings;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public LoginThrottle(LoginSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!carriesPassword(request)) {
            chain.doFilter(request, response);
            return;
        }
        String client = client(request.getRemoteAddr());
        Duration wait = waitFor(client);
        if (wait != null) {
            long seconds = Math.max(1, wait.toSeconds() + 1);
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(seconds));
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("Too many failed logins from this address: try again in " + seconds + " s\n");
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            failed(client);
        }
    }

    /** HTTP Basic (or any credentials in Authorization), or the webapps' login form. */
    static boolean carriesPassword(HttpServletRequest request) {
        if (request.getHeader("Authorization") != null) {
            return true;
        }
        String path = request.getRequestURI();
        return "POST".equalsIgnoreCase(request.getMethod()) && path != null && path.startsWith("/camunda/api/admin/auth/user/")
                && path.contains("/login/");
    }

    /** How long {@code client} must wait before its next login is checked; null when it may log in now. */
    Duration waitFor(String client) {
        Instant now = clock.instant();
        synchronized (failures) {
            Deque<Instant> times = failures.get(client);
            if (times == null) {
                return null;
            }
            Instant since = now.minus(settings.window());
            while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
                times.pollFirst();
            }
            if (times.isEmpty()) {
                failures.remove(client);
                return null;
            }
            return times.size() < settings.maxFailures() ? null : Duration.between(since, times.peekFirst());
        }
    }

    void failed(String client) {
        Instant now = clock.instant();
        int count;
        synchronized (failures) {
            Deque<Instant> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
            times.addLast(now);
            while (times.size() > settings.maxFailures()) {
                times.pollFirst();
            }
            count = times.size();
        }
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
