package io.certdesk.request;

import java.util.Locale;

/**
 * A value from a mail or CSR, as certdesk quotes it back in replies and to approvers: control and invisible
 * characters written as {@code \u0007}, long values shortened, letters from other scripts that look like Latin
 * ones named. Hostile input is shown for what it is, and cannot steer a terminal or bloat a reply.
 */
public final class Quoted {

    static final int MAX_SHOWN = 100;

    private Quoted() {
    }

    /** {@code "value"}, made visible and at most about 100 characters long. */
    public static String of(String value) {
        if (value == null) {
            return "\"\"";
        }
        int length = value.codePointCount(0, value.length());
        return "\"" + visible(value, MAX_SHOWN) + "\""
                + (length > MAX_SHOWN ? " (shortened; " + length + " characters in all)" : "");
    }

    /**
     * {@code value} without quotes, for a line of a reply or a mail subject: control and invisible characters
     * written as {@code \u0007}, cut after {@code max} characters with "..." appended. Empty for null.
     */
    public static String shown(String value, int max) {
        if (value == null) {
            return "";
        }
        return visible(value, max) + (value.codePointCount(0, value.length()) > max ? "..." : "");
    }

    /** The first {@code max} characters of {@code value}, control and invisible ones written as {@code \u0007}. */
    private static String visible(String value, int max) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length() && shown < max; shown++) {
            int c = value.codePointAt(i);
            if (invisible(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /**
     * The characters of a would-be identifier that are not plain ASCII, named, e.g.
     * {@code "с" U+0441 CYRILLIC SMALL LETTER ES}; empty when there are none.
     */
    public static String nonAscii(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().filter(c -> c > 0x7E || invisible(c)).distinct().limit(5).forEach(c -> {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(invisible(c) ? "" : "\"" + new String(Character.toChars(c)) + "\" ")
                    .append(String.format(Locale.ROOT, "U+%04X ", c)).append(Character.getName(c));
        });
        return out.toString();
    }

    /** Whether the value holds a control, line-breaking or invisible (format) character. */
    public static boolean hasInvisible(String value) {
        return value != null && value.codePoints().anyMatch(Quoted::invisible);
    }

    static boolean invisible(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * {@code value} if it looks like a certificate serial (hex, colons allowed) or a request reference (CR-2026-000001),
     * else null: what a reply may repeat of a value that anyone could have written, to an address that may not be theirs.
     */
    public static String serialOrReference(String value) {
        return value != null && value.matches("[0-9A-Fa-f:]{1,80}|CR-\\d{4}-\\d{1,9}") ? value : null;
    }
}
