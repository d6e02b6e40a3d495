package io.certdesk.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has HotSpot compile the workflow's frameworks (engine, database, web, mail) and certdesk with its quick compiler
 * (C1) only, through the compiler directives in {@code jit/compiler-directives.json}, added at start through the
 * JVM's diagnostic command MBean. On a two-core machine a certdesk node needed minutes of its one C2 compiler thread
 * before its workflow code ran at full speed, and that thread took half a core meanwhile; with the frameworks in C1
 * only, onboarding and issuance took about a fifth less CPU per request, and the validator and OCSP answered about
 * a third more requests, in the first rounds and still after 4,000 onboardings (docs/performance.md). Cryptography
 * and the JDK keep C2. Off with {@code -Dcertdesk.jit.quick-frameworks=false} or
 * {@code CERTDESK_JIT_QUICK_FRAMEWORKS=false}.
 */
public final class QuickCompilation {

    private static final Logger LOG = LoggerFactory.getLogger(QuickCompilation.class);
    private static boolean applied;

    private QuickCompilation() {
    }

    /** Adds the directives once per JVM, unless switched off; a JVM without the MBean runs on as it is. */
    public static synchronized void apply() {
        if (applied || !enabled()) {
            return;
        }
        applied = true;
        try (InputStream directives = QuickCompilation.class.getResourceAsStream("/jit/compiler-directives.json")) {
            if (directives == null) {
                return;
            }
            Path file = Files.createTempFile("certdesk-compiler-directives", ".json");
            try {
                Files.copy(directives, file, StandardCopyOption.REPLACE_EXISTING);
                Object answer = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "compilerDirectivesAdd", new Object[]{new String[]{file.toString()}}, new String[]{String[].class.getName()});
                LOG.debug("Compiler directives: {}", answer);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException | javax.management.JMException notAvailable) {
            LOG.info("Compiler directives not added ({}); the JVM compiles as it chooses", notAvailable.toString());
        }
    }

    static boolean enabled() {
        String value = System.getProperty("certdesk.jit.quick-frameworks", System.getenv("CERTDESK_JIT_QUICK_FRAMEWORKS"));
        return value == null || !value.trim().equalsIgnoreCase("false");
    }
}
