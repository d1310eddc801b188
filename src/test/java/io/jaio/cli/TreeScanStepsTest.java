package io.jaio.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How treescan cuts a path longer than PATH_MAX into steps it can open one after another. */
class TreeScanStepsTest {
    private static final String N = "n".repeat(199);    // 200 bytes with its slash

    @Test
    void eachStepStaysWithinItsBudgetAndTheStepsJoinToThePath() {
        String abs = "/" + String.join("/", java.util.Collections.nCopies(40, N));
        List<String> steps = TreeScan.steps(abs, 0);
        assertThat(steps).hasSizeGreaterThan(2);
        assertThat(steps.get(0)).startsWith("/" + N);
        for (String s : steps) {
            assertThat(s.length()).isLessThanOrEqualTo(TreeScan.STEP_BYTES);
        }
        assertThat(steps.subList(1, steps.size())).allSatisfy(s -> assertThat(s).doesNotStartWith("/").isNotEmpty());
        assertThat(String.join("/", steps)).isEqualTo(abs);
    }

    @Test
    void aDoubleOrTrailingSlashMakesNoAbsoluteOrEmptyStep() {
        // "//" exactly where a step ends, and a trailing slash
        String head = String.join("/", java.util.Collections.nCopies(14, N));    // 14 names: 2,800 bytes
        String dir = "/" + head + "//" + N + "/" + N + "/";
        List<String> steps = TreeScan.steps(dir, 0);
        assertThat(steps).allSatisfy(s -> assertThat(s).isNotEmpty());
        assertThat(steps.subList(1, steps.size())).allSatisfy(s -> assertThat(s).doesNotStartWith("/"));
        assertThat(String.join("/", steps)).isEqualTo("/" + head + "/" + N + "/" + N);
    }

    @Test
    void aRelativePathCountsTheWorkingDirectory() {
        String rel = String.join("/", java.util.Collections.nCopies(10, N));    // 2,000 bytes
        assertThat(TreeScan.steps(rel, 0)).hasSize(1);
        // under a 2,040-byte working directory the first step must end sooner
        List<String> steps = TreeScan.steps(rel, 2041);
        assertThat(steps).hasSize(2);
        assertThat(2041 + steps.get(0).length()).isLessThanOrEqualTo(TreeScan.STEP_BYTES);
        assertThat(String.join("/", steps)).isEqualTo(rel);
        // a working directory beyond the budget still leaves one name per first step, never an empty one
        assertThat(TreeScan.steps(rel, 3500).get(0)).isEqualTo(N);
    }
}
