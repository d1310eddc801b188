package io.jaio.internal.sys;

/**
 * Detects, once, whether jaio's module may call native code. Without native access the JDK
 * only warns (or, with {@code --illegal-native-access=deny}, throws at the first downcall);
 * jaio fails at its first use instead, with the exact flag to pass.
 */
public final class NativeAccess {
    private NativeAccess() {}

    /** The command-line flag that enables native access for the module jaio was loaded in. */
    public static String flag() {
        Module m = NativeAccess.class.getModule();
        return "--enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }

    /** Throws {@link IllegalStateException} naming {@link #flag()} when native access is off. */
    public static void check() {
        if (!Holder.ENABLED) {
            throw new IllegalStateException(
                    "jaio needs native access: run java with " + flag()
                            + " (or add 'Enable-Native-Access: ALL-UNNAMED' to an executable jar's manifest)");
        }
    }

    private static final class Holder {
        static final boolean ENABLED = NativeAccess.class.getModule().isNativeAccessEnabled();
    }
}
