package io.certdesk.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A caller of certdesk's HTTP APIs as a user would be: HTTP Basic for {@code /engine-rest}, or a webapp session
 * (login form, session cookie, CSRF token) for {@code /camunda/api}.
 */
public final class Rest {

    public record Response(int status, String body) {
    }

    private final String root;
    private final HttpClient client;
    private final CookieManager cookies = new CookieManager();
    private String basic;

    private Rest(String root) {
        this.root = root;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).build();
    }

    /** Without any login. */
    public static Rest anonymous(String root) {
        return new Rest(root);
    }

    /** HTTP Basic as {@code user}. */
    public static Rest basic(String root, String user, String password) {
        Rest rest = new Rest(root);
        rest.basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return rest;
    }

    /** Logged in to the Tasklist as {@code user}, as the browser is. */
    public static Rest webappSession(String root, String user, String password) throws IOException, InterruptedException {
        Rest rest = new Rest(root);
        rest.send("GET", "/camunda/app/tasklist/default/", null, null);
        Response login = rest.send("POST", "/camunda/api/admin/auth/user/default/login/tasklist",
                "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded");
        if (login.status() != 200) {
            throw new AssertionError("login as " + user + " failed: " + login);
        }
        return rest;
    }

    /** The Tasklist's login form's answer for {@code user}, whatever it is. */
    public static Response webappLogin(String root, String user, String password) throws IOException, InterruptedException {
        Rest rest = new Rest(root);
        rest.send("GET", "/camunda/app/tasklist/default/", null, null);
        return rest.send("POST", "/camunda/api/admin/auth/user/default/login/tasklist",
                "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded");
    }

    public static int webappLoginStatus(String root, String user, String password) throws IOException, InterruptedException {
        return webappLogin(root, user, password).status();
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, null);
    }

    public Response post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, json, "application/json");
    }

    public Response put(String path, String json) throws IOException, InterruptedException {
        return send("PUT", path, json, "application/json");
    }

    public Response send(String method, String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Accept", "application/json");
        if (basic != null) {
            request.header("Authorization", basic);
        }
        for (HttpCookie cookie : cookies.getCookieStore().getCookies()) {
            if (cookie.getName().equals("XSRF-TOKEN")) {
                request.header("X-XSRF-TOKEN", cookie.getValue());
            }
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
