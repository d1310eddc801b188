package io.jaio;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Without native access, jaio says which flag to pass, once, instead of a JDK warning. */
class NativeAccessTest {
    @Test
    void aJvmWithoutTheFlagGetsAClearMessage() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.jaio.examples.Synopsis"))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(out).contains("jaio needs native access: run java with --enable-native-access=ALL-UNNAMED")
                .doesNotContain("restricted method");
    }
}
