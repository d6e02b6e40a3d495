package io.certdesk.web;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Wires the HTTP side: who may reach the admin endpoints and Camunda's APIs, and how Tomcat reads paths. */
@Configuration
@EnableConfigurationProperties(LoginSettings.class)
public class WebConfiguration {

    /** Failed logins counted per client address, before anything checks a password. */
    @Bean
    FilterRegistrationBean<LoginThrottle> loginThrottle(LoginSettings settings, Clock clock, MeterRegistry metrics) {
        FilterRegistrationBean<LoginThrottle> registration = new FilterRegistrationBean<>(new LoginThrottle(settings, clock, metrics));
        registration.addUrlPatterns("/*");
        registration.setName("login-throttle");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<AdminAuthenticationFilter> adminAuthentication(IdentityService identity) {
        FilterRegistrationBean<AdminAuthenticationFilter> registration = new FilterRegistrationBean<>(new AdminAuthenticationFilter(identity));
        registration.addUrlPatterns("/admin/*", "/actuator/prometheus");
        registration.setName("admin-authentication");
        registration.setOrder(AUTHENTICATION);
        return registration;
    }

    /** Where the HTTP Basic checks run; {@link LoginThrottle.PasswordAccepted} runs right after them. */
    private static final int AUTHENTICATION = 0;

    /** A request past the HTTP Basic checks had its password accepted: it no longer counts against its address. */
    @Bean
    FilterRegistrationBean<LoginThrottle.PasswordAccepted> passwordAccepted() {
        FilterRegistrationBean<LoginThrottle.PasswordAccepted> registration = new FilterRegistrationBean<>(new LoginThrottle.PasswordAccepted());
        registration.addUrlPatterns("/engine-rest/*", "/admin/*", "/actuator/prometheus");
        registration.setName("password-accepted");
        registration.setOrder(AUTHENTICATION + 1);
        return registration;
    }

    /** Checks what reaches Camunda's REST API and the webapps' API before the engine sees it. */
    @Bean
    FilterRegistrationBean<EngineApiGuard> engineApiGuard() {
        FilterRegistrationBean<EngineApiGuard> registration = new FilterRegistrationBean<>(new EngineApiGuard());
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/*");
        registration.setName("engine-api-guard");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** OCSP over GET puts base64 (which may hold '/', sent as %2F) in one path segment: let it through undecoded. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashes() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setEncodedSolidusHandling("passthrough"));
    }

    /** The REST API answers only to Camunda users, by HTTP Basic authentication. */
    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
                HttpBasicAuthenticationProvider.class.getName());
        registration.setName("engine-rest-authentication");
        registration.setOrder(AUTHENTICATION);
        return registration;
    }
}
