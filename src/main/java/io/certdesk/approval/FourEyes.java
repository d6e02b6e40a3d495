package io.certdesk.approval;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;

/**
 * The four-eyes rule of a process with two approvals: the second decision is made by a logged-in user (see
 * {@link Decider}) other than the one whose first decision is on record. Who decided first is read from certdesk's
 * record, never from a process variable a caller can set. A first decision that is not on record, or a second
 * decider who is not known, is refused: certdesk never assumes two people when it cannot tell.
 */
public final class FourEyes {

    private FourEyes() {
    }

    /** Who makes a decision, first or second: the logged-in user; a completion without one is refused. */
    public static String decider(DelegateTask task) {
        return Decider.of(task);
    }

    /**
     * Refuses a second decision on {@code decided} ("this trust request") by the first decider, or when the first
     * decision is not on record.
     */
    public static void requireSecondDecider(String decided, String firstDecider, String secondDecider) {
        String refusal = refusal(decided, firstDecider, secondDecider);
        if (refusal != null) {
            throw new ProcessEngineException(refusal);
        }
    }

    /**
     * Why a second decision on {@code decided} by {@code secondDecider} after a first by {@code firstDecider} is
     * refused, or null when it may be made. Logins are compared as the identity service spells them (the
     * directory's spelling).
     */
    public static String refusal(String decided, String firstDecider, String secondDecider) {
        if (firstDecider == null || firstDecider.isBlank()) {
            return "The first decision on " + decided + " is not on record";
        }
        if (secondDecider == null || secondDecider.isBlank()) {
            return "A decision needs a logged-in approver";
        }
        if (secondDecider.equals(firstDecider)) {
            return "Four eyes: " + secondDecider + " made the first decision; a different approver must make the second";
        }
        return null;
    }
}
