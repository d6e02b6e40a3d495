package io.certdesk.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free local ports for the servers a test starts (certdesk's listeners, mail, directory and database links).
 * A port is handed out once per test run, and it comes from below Linux's ephemeral range (32768 and up), so
 * neither another server of the same run nor an outgoing connection takes it between choosing and binding.
 */
public final class Ports {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    public static int free() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (HANDED_OUT.add(port)) {
                if (bindable(port)) {
                    return port;
                }
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
    }

    private static boolean bindable(int port) {
        // the wildcard address: free on loopback and on every other address
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
