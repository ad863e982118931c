package jitfleet.stress;

import java.lang.reflect.Method;
import java.util.concurrent.locks.LockSupport;
import sun.hotspot.WhiteBox;

/**
 * Keeps deoptimising every compiled frame of every thread and collecting garbage while a
 * program runs. Each deoptimisation rebuilds interpreter frames from the debug information at
 * the pc the frame stopped at, and each GC walks the oop maps: a wrong debug value or a
 * missing reference in installed code turns into a different result (or a crash) instead of
 * staying latent.
 *
 * <p>Two ways in, both needing {@code -XX:+UnlockDiagnosticVMOptions -XX:+WhiteBoxAPI
 * -XX:+DisplayVMOutputToStderr} and this class with {@link WhiteBox} on the boot class path:
 * as a Java agent ({@code -javaagent:storm.jar=PERIOD_MICROS}; the jar's manifest puts itself
 * on the boot class path), or as a launcher ({@code jitfleet.stress.Storm PERIOD_MICROS
 * MAIN_CLASS ARGS...}). The storm reports its counts on stderr when the JVM exits.
 */
public final class Storm {
    private Storm() {}

    public static void premain(String args) {
        start(Long.parseLong(args == null || args.isEmpty() ? "1000" : args.trim()));
    }

    public static void main(String[] args) throws Throwable {
        Class<?> target = Class.forName(args[1], true, ClassLoader.getSystemClassLoader());
        String[] rest = new String[args.length - 2];
        System.arraycopy(args, 2, rest, 0, rest.length);
        Method main = target.getMethod("main", String[].class);
        start(Long.parseLong(args[0]));
        try {
            main.invoke(null, (Object) rest);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Starts the storm thread: every period a deoptimisation of all frames, every 16th a young GC. */
    private static void start(long periodMicros) {
        WhiteBox wb = WhiteBox.getWhiteBox();
        long[] counts = new long[3];
        Thread storm = new Thread(() -> {
            long rounds = 0;
            while (true) {
                counts[0] += wb.deoptimizeFrames(false);
                if (++rounds % 16 == 0) {
                    wb.youngGC();
                    counts[1]++;
                }
                counts[2] = rounds;
                LockSupport.parkNanos(periodMicros * 1_000L);
            }
        }, "jitfleet-storm");
        storm.setDaemon(true);
        // A hook, not a finally block: programs end with System.exit too.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(
                "storm: " + counts[2] + " rounds, " + counts[0] + " frames deoptimised, " + counts[1] + " young GCs")));
        storm.start();
    }
}
