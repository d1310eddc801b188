package io.jaio.internal.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Spin.Adaptive stops spinning where waits are long and starts again where they are short. */
class SpinTest {
    @Test
    void longWaitsTurnSpinningOffAndProbesTurnItBackOn() {
        Spin.Adaptive site = new Spin.Adaptive(50_000);
        assertThat(site.budget()).as("starts by spinning").isEqualTo(50_000);
        for (int i = 0; i < 20; i++) {
            site.spun(false);    // spins that ran out: the requests wait for a device
        }
        assertThat(site.score()).isZero();
        int spins = 0;
        for (int i = 0; i < 320; i++) {
            if (site.budget() > 0) spins++;
        }
        assertThat(spins).as("only probes: one in 32").isEqualTo(10);
        // The regime changes: probes see their event at once, and spinning comes back.
        for (int i = 0; i < 8; i++) {
            site.spun(true);
        }
        assertThat(site.score()).isEqualTo(8);
        assertThat(site.budget()).isEqualTo(50_000);
    }

    @Test
    void aTimeoutCountsTwiceAsMuchAsACatch() {
        Spin.Adaptive site = new Spin.Adaptive(50_000);
        int before = site.score();
        site.spun(false);
        site.spun(true);
        assertThat(site.score()).isEqualTo(before - 1);
    }
}
