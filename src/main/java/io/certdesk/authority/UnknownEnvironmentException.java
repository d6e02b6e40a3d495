package io.certdesk.authority;

import java.util.Set;

/** A request or URL named an environment certdesk has no CA for. */
public class UnknownEnvironmentException extends RuntimeException {
    public UnknownEnvironmentException(String environment, Set<String> known) {
        super("unknown environment '" + environment + "'; known: " + String.join(", ", known));
    }
}
