package io.certdesk.trust.chain;

import java.util.List;

import io.certdesk.request.Quoted;

/**
 * A certificate's subject is plain text of a readable length. Approvers read it shortened, replies quote it, and the
 * trust bundle names each CA by it: a line break or an invisible character in a name could hide or add text there
 * that no approver saw.
 */
public final class NameRule implements ChainRule {

    /** Longer subjects than this are refused; the approval form shows them whole. */
    public static final int MAX_LENGTH = 256;

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        String subject = link.certificate().getSubjectX500Principal().getName();
        String what = link.isClientCertificate() ? "the client certificate " : "the CA certificate ";
        if (Quoted.hasInvisible(subject) || subject.codePoints().anyMatch(c -> Character.isSpaceChar(c) && c != ' ')) {
            problems.add("The subject of " + what + link.shown() + " holds line breaks or other control or invisible "
                    + "characters, or a space other than the plain one: issue it with a subject of plain text.");
        } else if (subject.codePointCount(0, subject.length()) > MAX_LENGTH) {
            problems.add("The subject of " + what + link.shown() + " is longer than " + MAX_LENGTH
                    + " characters: issue it with a shorter subject.");
        }
    }
}
