package io.jaio.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names are bytes on Linux; jaio's API speaks Strings. The mapping is UTF-8 with escaped
 * bytes: a byte that is not part of valid UTF-8 becomes the private-use character
 * {@code U+EF00 + byte} (U+EF80..U+EFFF), and encoding turns those characters back into the
 * byte. So any byte sequence survives a decode/encode round trip exactly. A name whose valid
 * UTF-8 itself encodes one of those characters is escaped byte by byte, so the mapping stays
 * one-to-one.
 */
public final class Names {
    private Names() {}

    static final int ESCAPE_BASE = 0xEF00;

    private static boolean isEscape(char c) {
        return c >= 0xEF80 && c <= 0xEFFF;
    }

    /** Encodes a name or path to its bytes; no NUL is appended. */
    public static byte[] encode(String s) {
        boolean plain = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        var out = new java.io.ByteArrayOutputStream(s.length() + 16);
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (isEscape(s.charAt(i))) {
                out.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(s.charAt(i) - ESCAPE_BASE);
                start = i + 1;
            }
        }
        out.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Decodes {@code len} bytes at {@code off} of native memory. */
    public static String decode(MemorySegment seg, long off, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, b, 0, len);
        return decode(b);
    }

    /** Decodes {@code b[off, off + len)}. */
    public static String decode(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                return decode(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);    // ASCII: the common case, one copy
    }

    /** Decodes bytes to a String that {@link #encode} maps back to the same bytes. */
    public static String decode(byte[] b) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int n = utf8Length(b, i);
            if (n == 0) {
                sb.append((char) (ESCAPE_BASE + (b[i] & 0xff)));
                i++;
                continue;
            }
            try {
                CharBuffer cb = dec.reset().decode(ByteBuffer.wrap(b, i, n));
                if (cb.length() == 1 && isEscape(cb.charAt(0))) {
                    for (int k = 0; k < n; k++) {
                        sb.append((char) (ESCAPE_BASE + (b[i + k] & 0xff)));
                    }
                } else {
                    sb.append(cb);
                }
            } catch (CharacterCodingException e) {
                sb.append((char) (ESCAPE_BASE + (b[i] & 0xff)));
                n = 1;
            }
            i += n;
        }
        return sb.toString();
    }

    /** Length of the well-formed UTF-8 sequence at {@code i}, or 0 if there is none. */
    private static int utf8Length(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n;
        if (c < 0x80) return 1;
        else if (c >= 0xC2 && c <= 0xDF) n = 2;
        else if (c >= 0xE0 && c <= 0xEF) n = 3;
        else if (c >= 0xF0 && c <= 0xF4) n = 4;
        else return 0;
        if (i + n > b.length) return 0;
        for (int k = 1; k < n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) return 0;
        }
        int c1 = b[i + 1] & 0xff;
        if (c == 0xE0 && c1 < 0xA0) return 0;          // overlong
        if (c == 0xED && c1 > 0x9F) return 0;          // surrogate
        if (c == 0xF0 && c1 < 0x90) return 0;          // overlong
        if (c == 0xF4 && c1 > 0x8F) return 0;          // > U+10FFFF
        return n;
    }

    /** Writes {@code bytes} and a terminating NUL into {@code dst} at 0; returns the slice. */
    public static MemorySegment cString(byte[] bytes, MemorySegment dst) {
        MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, 0, bytes.length);
        dst.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return dst.asSlice(0, bytes.length + 1L);
    }

    /** Index of the first NUL byte, or -1. */
    public static int indexOfNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) return i;
        }
        return -1;
    }
}
