package io.jaio.internal.sys;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    @Test
    void validUtf8DecodesAsUtf8() {
        String s = "ünïcödé ☃ 𝄞 plain";
        assertThat(Names.decode(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(s);
        assertThat(Names.encode(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidBytesAreEscapedAndRoundTrip() {
        byte[] b = {'a', (byte) 0xff, 'b', (byte) 0xc3};
        String s = Names.decode(b);
        assertThat(s).isEqualTo("a\uEFFFb\uEFC3");
        assertThat(Names.encode(s)).isEqualTo(b);
    }

    @Test
    void realEscapeCharactersAreEscapedToo() {
        byte[] b = "x\uEF80y".getBytes(StandardCharsets.UTF_8);
        String s = Names.decode(b);
        assertThat(s).isNotEqualTo("x\uEF80y").hasSize(5);    // its three bytes are escaped one by one
        assertThat(Names.encode(s)).isEqualTo(b);
    }

    @Test
    void everyByteSequenceRoundTrips() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(12)];
            r.nextBytes(b);
            assertThat(Names.encode(Names.decode(b))).as("round trip %s", java.util.HexFormat.of().formatHex(b)).isEqualTo(b);
        }
    }
}
