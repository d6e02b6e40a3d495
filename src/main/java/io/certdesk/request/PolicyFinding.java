package io.certdesk.request;

/**
 * One thing policy found in a request. Errors stop the request; warnings and notes go to the approver.
 *
 * @param code    stable identifier, e.g. {@code CN_NOT_ORGANIZATION_ID}
 * @param message what is wrong, in the sender's terms
 * @param fix     what the sender does about it, often a command
 */
public record PolicyFinding(Severity severity, String code, String message, String fix) {

    public enum Severity { ERROR, WARNING, NOTE }

    public static PolicyFinding error(String code, String message, String fix) {
        return new PolicyFinding(Severity.ERROR, code, message, fix);
    }

    public static PolicyFinding warning(String code, String message) {
        return new PolicyFinding(Severity.WARNING, code, message, "");
    }

    public static PolicyFinding note(String code, String message) {
        return new PolicyFinding(Severity.NOTE, code, message, "");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
