package io.certdesk.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

/** The JVM certdesk runs in compiles the workflow's frameworks with C1 only, and cryptography as it chooses. */
class QuickCompilationTest {

    @Test
    void theFrameworksAreCompiledByC1OnlyAndCryptographyIsLeftToTheJvm() throws Exception {
        QuickCompilation.apply();

        String directives = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerDirectivesPrint", new Object[]{new String[0]}, new String[]{String[].class.getName()}).toString();
        assertThat(directives).contains("org/camunda/*.*").contains("org/h2/*.*").contains("io/certdesk/*.*")
                .doesNotContain("org/bouncycastle").doesNotContain("java/");
    }

    @Test
    void anOperatorCanSwitchItOff() {
        String before = System.getProperty("certdesk.jit.quick-frameworks");
        try {
            System.setProperty("certdesk.jit.quick-frameworks", "false");
            assertThat(QuickCompilation.enabled()).isFalse();
            System.setProperty("certdesk.jit.quick-frameworks", "true");
            assertThat(QuickCompilation.enabled()).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty("certdesk.jit.quick-frameworks");
            } else {
                System.setProperty("certdesk.jit.quick-frameworks", before);
            }
        }
    }
}
