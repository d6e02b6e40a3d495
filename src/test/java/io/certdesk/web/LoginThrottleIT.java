package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.support.EmbeddedCertdeskTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

/**
 * Someone guessing passwords, from a machine of their own (another loopback address here), over HTTP Basic and the
 * Tasklist's login form: after ten failures their address gets 429, and nobody's account is locked, neither for
 * seconds nor for good. The engine's own limit locked the account itself, for whoever tried it.
 */
class LoginThrottleIT extends EmbeddedCertdeskTest {

    @LocalServerPort
    int port;

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    /** One HTTP/1.1 request sent from the local address {@code from}; the whole answer. */
    private String request(String from, String method, String path, String headers, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers
                    + "Content-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    private static final String LOGIN = "/camunda/api/admin/auth/user/default/login/tasklist";

    /** The Tasklist's login as a browser sends it: with the session and anti-CSRF cookie the login page set. */
    private String login(String from, String user, String password) throws IOException {
        return request(from, "POST", LOGIN, loginHeaders(from), "username=" + user + "&password=" + password);
    }

    /** A session and anti-CSRF token from the login page, as the headers of a login form's POST. */
    private String loginHeaders(String from) throws IOException {
        String page = request(from, "GET", "/camunda/app/tasklist/default/", "", null);
        Matcher session = Pattern.compile("(?mi)^Set-Cookie: JSESSIONID=([^;\r\n]+)").matcher(page);
        Matcher token = Pattern.compile("(?mi)^Set-Cookie: XSRF-TOKEN=([^;\r\n]+)").matcher(page);
        assertThat(session.find() && token.find()).as(page).isTrue();
        return "Content-Type: application/x-www-form-urlencoded\r\nCookie: JSESSIONID=" + session.group(1) + "; XSRF-TOKEN="
                + token.group(1) + "\r\nX-XSRF-TOKEN: " + token.group(1) + "\r\n";
    }

    @Test
    void tenWrongPasswordsStopTheGuessersAddressAndLockNoAccount() throws Exception {
        String guesser = "127.0.0.2";
        for (int i = 0; i < 10; i++) {
            assertThat(status(request(guesser, "GET", "/engine-rest/task", basic("approver", "guess-" + i), null))).as("guess %d", i)
                    .isEqualTo(401);
        }
        String stopped = request(guesser, "GET", "/engine-rest/task", basic("approver", "approver"), null);
        assertThat(status(stopped)).as(stopped).isEqualTo(429);
        assertThat(stopped).containsIgnoringCase("Retry-After: ").contains("Too many failed logins");
        assertThat(status(request(guesser, "GET", "/admin/partner-blocks", basic("admin", "admin"), null))).isEqualTo(429);
        assertThat(status(login(guesser, "admin", "admin"))).isEqualTo(429);
        // the public pages still answer that address
        assertThat(status(request(guesser, "GET", "/pki/qa/ca-fingerprint", "", null))).isEqualTo(200);

        // the approver, at their own desk right after: not locked out (the engine locked the account 3 s after one
        // wrong password, up to a minute after five, and for good after ten)
        assertThat(http.withBasicAuth("approver", "approver").getForEntity("/engine-rest/task", String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(status(request("127.0.0.3", "GET", "/engine-rest/task", basic("approver", "approver"), null))).isEqualTo(200);
        assertThat(status(login("127.0.0.3", "approver", "approver"))).isEqualTo(200);
    }

    @Test
    void theTasklistLoginFormCountsAsALogin() throws Exception {
        String guesser = "127.0.0.4";
        for (int i = 0; i < 10; i++) {
            assertThat(status(login(guesser, "admin", "guess-" + i))).as("guess %d", i).isEqualTo(401);
        }
        assertThat(status(login(guesser, "admin", "admin"))).isEqualTo(429);
        assertThat(status(login("127.0.0.5", "admin", "admin"))).isEqualTo(200);
        assertThat(http.withBasicAuth("admin", "admin").getForEntity("/admin/partner-blocks", String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    @Test
    void loginsSentAllAtOnceGetNoMoreChecksThanOneAfterTheOther() throws Exception {
        // thirty logins whose headers arrive first and whose passwords follow once all are open: each was let through
        // before any had failed, so every password was checked
        String guesser = "127.0.0.6";
        int logins = 30;
        List<Socket> sockets = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        try {
            for (int i = 0; i < logins; i++) {
                String headers = loginHeaders(guesser);
                byte[] body = ("username=approver&password=guess-" + i).getBytes(StandardCharsets.US_ASCII);
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(guesser, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(15_000);
                socket.getOutputStream().write(("POST " + LOGIN + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                sockets.add(socket);
                bodies.add(body);
            }
            Thread.sleep(500);
            for (int i = 0; i < logins; i++) {
                try {
                    sockets.get(i).getOutputStream().write(bodies.get(i));
                    sockets.get(i).getOutputStream().flush();
                } catch (IOException answeredAlready) {
                    // a refused login may be answered and closed before its password is sent
                }
            }
            Map<Integer, Integer> answers = new TreeMap<>();
            for (Socket socket : sockets) {
                answers.merge(status(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)), 1, Integer::sum);
            }
            assertThat(answers).as("answers by status").isEqualTo(Map.of(401, 10, 429, logins - 10));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void requestsHeldOpenDoNotTurnAwayTheirAddresssLogins() throws Exception {
        // an administrator's slow uploads, and requests to public pages carrying any Authorization header, held open:
        // they counted as logins being checked until their answer, so a correct password from their address got 429
        String office = "127.0.0.7";
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                held.add(openSlowly(office, "/admin/revocations", basic("admin", "admin"), "application/json", "{"));
                held.add(openSlowly(office, "/pki/qa/ocsp", "Authorization: whatever\r\n", "application/ocsp-request", "0"));
            }
            Thread.sleep(500);
            assertThat(status(request(office, "GET", "/engine-rest/task", basic("approver", "approver"), null))).isEqualTo(200);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        // and the uploads that were broken off are no failed logins
        Thread.sleep(500);
        for (int i = 0; i < 10; i++) {
            assertThat(status(request(office, "GET", "/engine-rest/task", basic("approver", "approver"), null))).isEqualTo(200);
        }
    }

    /** A POST whose headers arrive and whose body of a hundred bytes stops after the first. */
    private Socket openSlowly(String from, String path, String headers, String type, String first) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                + "Content-Type: " + type + "\r\nContent-Length: 100\r\n\r\n" + first).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }
}
