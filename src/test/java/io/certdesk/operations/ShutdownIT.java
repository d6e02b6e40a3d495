package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.certdesk.CertdeskApplication;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator stops certdesk on its embedded database the way a service manager or Ctrl-C does (SIGTERM): the
 * database stays open until the engine and the job executor have stopped, so nothing in flight fails on a closed
 * database and the log holds no error.
 */
class ShutdownIT {

    @TempDir
    Path data;

    private Process node;

    @AfterEach
    void tearDown() throws Exception {
        if (node != null && node.isAlive()) {
            node.destroyForcibly().waitFor();
        }
    }

    @Test
    void certdeskStoppedWithSigtermOnItsEmbeddedDatabaseStopsWithoutAnError() throws Exception {
        int port = Ports.free();
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, Ports.free(), Ports.free());
        properties.put("server.port", port);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                CertdeskApplication.class.getName()));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = data.resolve("certdesk.log");
        node = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitHealthy(port, log);
        // the job executor polls every 100 ms here, so it is acquiring jobs while the JVM shuts down
        Thread.sleep(1000);

        new ProcessBuilder("kill", "-TERM", String.valueOf(node.pid())).inheritIO().start().waitFor();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute of SIGTERM").isTrue();

        String output = Files.readString(log);
        assertThat(output).as("the shutdown of the engine is logged").contains("Shutting down the JobExecutor");
        assertThat(output).as("nothing used a database H2 had already closed")
                .doesNotContain("Database is already closed")
                .doesNotContain("Invocation of destroy method failed")
                .doesNotContain(" ERROR ");
    }

    private void awaitHealthy(int port, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(node.isAlive()).as("certdesk started: " + tail(log)).isTrue();
            try {
                if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/ping"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("certdesk did not start within 120 s: " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 3000));
    }
}
