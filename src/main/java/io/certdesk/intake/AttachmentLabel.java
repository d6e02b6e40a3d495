package io.certdesk.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How certdesk's automatic replies name what a mail carried. Replies go to the From address, which anyone can
 * write, and they are signed: so a file name is repeated only when it is a plain one (client.csr, client-key.pem),
 * anything else is named by its position, and a list of findings stops after a few. A reply never carries a
 * sender's sentences under certdesk's signature.
 */
public final class AttachmentLabel {

    /** Findings of one kind listed in a reply; the rest are counted. */
    static final int MAX_LISTED = 5;
    private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");

    private AttachmentLabel() {
    }

    /** "attachment client.csr", or "attachment 3" (the third of the mail) for any other name or none. */
    static String of(int position, String fileName) {
        return "attachment " + (fileName != null && PLAIN_FILE_NAME.matcher(fileName).matches() ? fileName : String.valueOf(position));
    }

    /** The first {@value #MAX_LISTED} findings, then one line that counts the others. */
    static List<String> capped(List<String> findings) {
        if (findings.size() <= MAX_LISTED) {
            return List.copyOf(findings);
        }
        List<String> listed = new ArrayList<>(findings.subList(0, MAX_LISTED));
        listed.add("... and " + (findings.size() - MAX_LISTED) + " more of the same kind.");
        return List.copyOf(listed);
    }
}
