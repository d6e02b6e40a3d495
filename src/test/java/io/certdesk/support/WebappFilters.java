package io.certdesk.support;

import org.camunda.bpm.spring.boot.starter.webapp.filter.LazyInitRegistration;
import org.springframework.context.ApplicationContext;

/**
 * Camunda's webapp filters find their Spring context through one static field, which every certdesk started in
 * this JVM overwrites: after a {@link StandaloneCertdesk} ran, the shared test context's Tasklist would answer
 * from the stopped one's context (HTTP 500). Pointing them back at the shared context before each test keeps the
 * webapps working whatever ran before.
 */
final class WebappFilters extends LazyInitRegistration {

    private WebappFilters() {
    }

    static void belongTo(ApplicationContext context) {
        if (APPLICATION_CONTEXT != context) {
            new WebappFilters().setApplicationContext(context);
        }
    }
}
