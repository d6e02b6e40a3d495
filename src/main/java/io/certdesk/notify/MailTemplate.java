package io.certdesk.notify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-text mail template from {@code classpath:mail/<name>.txt}: a {@code Subject:} line, a blank line,
 * then the body. {@code {{name}}} placeholders are replaced; a missing value is an error, not a blank.
 */
public record MailTemplate(String subject, String body) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z0-9]+)}}");

    public static MailTemplate load(String name) {
        String text = read(name);
        int split = text.indexOf("\n\n");
        String subject = text.substring(0, split).replaceFirst("^Subject:\\s*", "");
        return new MailTemplate(subject, text.substring(split + 2));
    }

    /** A part of a mail's body from {@code classpath:mail/<name>.txt}: all of it is body, there is no subject. */
    public static MailTemplate loadPart(String name) {
        return new MailTemplate("", read(name));
    }

    private static String read(String name) {
        try (InputStream in = MailTemplate.class.getResourceAsStream("/mail/" + name + ".txt")) {
            if (in == null) {
                throw new IllegalArgumentException("no mail template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String renderSubject(Map<String, String> values) {
        return render(subject, values).replaceAll("[\\r\\n\\t]+", " ");
    }

    public String renderBody(Map<String, String> values) {
        return render(body, values);
    }

    private static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("mail template needs a value for " + matcher.group(1));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
