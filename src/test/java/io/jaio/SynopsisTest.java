package io.jaio;

import io.jaio.examples.Synopsis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's SYNOPSIS is the code in {@link Synopsis}, and that code works. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class SynopsisTest {
    @TempDir
    Path dir;

    static String snippet() throws Exception {
        String src = Files.readString(Path.of("src/main/java/io/jaio/examples/Synopsis.java"));
        String body = src.substring(src.indexOf("// README:synopsis begin\n") + 25, src.indexOf("        // README:synopsis end"));
        return body.stripTrailing().stripIndent();
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(snippet());
    }

    @Test
    void theExamplesRun() throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Path tmp = Files.writeString(dir.resolve("file"), "");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Synopsis.run(passwd, tmp, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .containsExactlyInAnyOrder("read 15 bytes: <0:0:root:/root:>", "unlinked", "size is 32");
        assertThat(Files.exists(tmp)).isFalse();

        bytes.reset();
        Synopsis.run(dir.resolve("missing"), tmp, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("open failed").contains("ENOENT")
                .contains("unlink failed").contains("stat failed");
    }
}
