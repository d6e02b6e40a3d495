package io.certdesk.rollover;

import org.camunda.bpm.engine.delegate.VariableScope;

/** The {@code caRollover} process: its key, element ids and variables, in one place. */
public final class CaRolloverProcess {

    public static final String KEY = "caRollover";
    public static final String FIRST_APPROVAL = "UserTask_FirstRolloverApproval";
    public static final String SECOND_APPROVAL = "UserTask_SecondRolloverApproval";
    public static final String ERROR_REFUSED = "ROLLOVER_REFUSED";

    public static final String ENVIRONMENT = "environment";
    public static final String OVERLAP_DAYS = "overlapDays";
    public static final String REASON = "reason";
    public static final String REQUESTED_BY = "requestedBy";
    public static final String REFERENCE = "reference";
    public static final String FIRST_APPROVED = "firstApproved";
    public static final String SECOND_APPROVED = "secondApproved";
    public static final String FIRST_APPROVER = "firstApprover";
    public static final String REJECTION_REASON = "rejectionReason";
    public static final String CURRENT_CA = "currentCa";
    public static final String NEW_CA_PLAN = "newCaPlan";
    public static final String REFUSAL = "refusal";
    public static final String GENERATION = "generation";
    /** Set by an admin-API start only (the engine API refuses it), matched against the record by the first step. */
    public static final String START_TOKEN = "rolloverToken";

    private CaRolloverProcess() {
    }

    public static String environment(VariableScope scope) {
        return text(scope, ENVIRONMENT);
    }

    public static String reference(VariableScope scope) {
        return text(scope, REFERENCE);
    }

    public static String requestedBy(VariableScope scope) {
        return text(scope, REQUESTED_BY);
    }

    public static String reason(VariableScope scope) {
        return text(scope, REASON);
    }

    /** The overlap in days as started: a number, or text from a form; null when absent or not a number. */
    public static Long overlapDays(VariableScope scope) {
        Object value = scope.getVariable(OVERLAP_DAYS);
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text && text.trim().matches("\\d{1,6}")) {
            return Long.parseLong(text.trim());
        }
        return null;
    }

    public static boolean decision(VariableScope scope, boolean first) {
        return Boolean.TRUE.equals(scope.getVariable(first ? FIRST_APPROVED : SECOND_APPROVED));
    }

    /** The approver's reason for a rejection as given, empty when none was. */
    public static String rejectionReason(VariableScope scope) {
        Object reason = scope.getVariable(REJECTION_REASON);
        return reason == null ? "" : reason.toString();
    }

    public static boolean hasDecision(VariableScope scope, boolean first) {
        return scope.getVariable(first ? FIRST_APPROVED : SECOND_APPROVED) instanceof Boolean;
    }

    private static String text(VariableScope scope, String name) {
        Object value = scope.getVariable(name);
        return value == null ? null : value.toString();
    }
}
