package io.certdesk.request;

/** The bytes offered as a CSR are not a readable PKCS#10 request; the message says why, for the sender. */
public class CsrFormatException extends Exception {
    public CsrFormatException(String message) {
        super(message);
    }
}
