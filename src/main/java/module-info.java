/**
 * jaio: asynchronous file I/O on {@code java.lang.foreign}. Only {@link io.jaio} is API; the
 * engine, the syscall layer and the generated bindings are internal.
 */
module io.jaio {
    exports io.jaio;

    // JDK Flight Recorder events (io.jaio.Request, io.jaio.Engine), off unless recorded.
    requires jdk.jfr;

    // jaio bench only: process CPU time (jdk.management), present in every JDK the command
    // line runs on.
    requires static jdk.management;
}
