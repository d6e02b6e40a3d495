package io.certdesk.support;

import java.io.IOException;
import java.net.ServerSocket;

/** Free local ports for the embedded mail server of a test run. */
public final class Ports {

    private Ports() {
    }

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
