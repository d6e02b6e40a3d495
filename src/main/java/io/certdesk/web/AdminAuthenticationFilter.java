package io.certdesk.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Groups;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /admin/**} answers only to Camunda administrators (group {@code camunda-admin}), by HTTP Basic
 * authentication against Camunda's identity store.
 */
public class AdminAuthenticationFilter extends OncePerRequestFilter {

    public static final String USER_ATTRIBUTE = "certdesk.admin";

    private final IdentityService identity;

    public AdminAuthenticationFilter(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        String user = null;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0 && identity.checkPassword(decoded.substring(0, colon), decoded.substring(colon + 1))) {
                    user = decoded.substring(0, colon);
                }
            } catch (IllegalArgumentException badBase64) {
                user = null;
            }
        }
        if (user == null) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"certdesk admin\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Log in as a certdesk administrator");
            return;
        }
        if (identity.createUserQuery().userId(user).memberOfGroup(Groups.CAMUNDA_ADMIN).count() == 0) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, user + " is not a certdesk administrator");
            return;
        }
        request.setAttribute(USER_ATTRIBUTE, user);
        chain.doFilter(request, response);
    }
}
