package io.certdesk.lifecycle;

import io.certdesk.inventory.IssuedCertificate;

/**
 * How a client renews a certificate by itself, where certdesk offers a way (EST): the part of a reminder mail
 * that says so, with the client's own file names.
 */
public interface SelfRenewal {

    /** The paragraph for the reminder, ending in a newline; empty when the certificate's environment offers none. */
    String instructions(IssuedCertificate certificate);
}
