package io.certdesk.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What a client reaches on an mTLS test listener once its certificate passed the handshake: 404 for every path,
 * as the client guides expect, with a line saying the certificate was accepted. The listeners serve nothing
 * else of certdesk (no Tasklist, no API): only they ask for a client certificate, so a request carrying one
 * came through them.
 */
@Configuration
public class MtlsTestResponder {

    static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> mtlsTestOnly() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (!(request.getAttribute(CLIENT_CERTIFICATES) instanceof X509Certificate[] chainOfClient) || chainOfClient.length == 0) {
                    chain.doFilter(request, response);
                    return;
                }
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                response.setContentType("text/plain;charset=UTF-8");
                response.getOutputStream().write(("certdesk mTLS test endpoint: your client certificate ("
                        + chainOfClient[0].getSubjectX500Principal().getName() + ") was accepted. There is nothing at "
                        + request.getRequestURI().replaceAll("[^\\x20-\\x7E]", "?") + "; the handshake was the test.\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        // after the EST listeners' filter, which answers everything on those listeners itself
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
