package jitfleet.bench;

import java.time.Instant;

/**
 * Entry point of every workload driver: {@code Bench <workload> <iterations> [args...]}.
 *
 * <p>Output protocol (one fact per line, prefixed so application output cannot be mistaken
 * for it): {@code JF-BENCH main_epoch_us=} as the very first action of main (the harness
 * subtracts its spawn time to get the JVM's time to main), {@code JF-BENCH iter= ns=} per
 * timed iteration, {@code JF-BENCH checksum=} once, then the /proc figures at exit.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        Instant start = Instant.now();
        System.out.println("JF-BENCH main_epoch_us=" + (start.getEpochSecond() * 1_000_000L + start.getNano() / 1_000));
        if (args.length < 2) {
            System.err.println("usage: Bench <workload> <iterations> [args...]");
            System.exit(2);
        }
        String name = args[0];
        int iterations = Integer.parseInt(args[1]);
        String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
        if (name.equals("service")) {
            ServiceWorkload.serve(rest);
            return;
        }
        Workload workload = create(name);
        if (workload == null) {
            System.err.println("unknown workload: " + name);
            System.exit(2);
        }
        workload.setUp(rest);
        Long expected = null;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            long checksum = workload.iterate();
            long elapsed = System.nanoTime() - t0;
            System.out.println("JF-BENCH iter=" + i + " ns=" + elapsed);
            if (expected == null) {
                expected = checksum;
            } else if (expected != checksum) {
                System.out.println("JF-BENCH error=iteration " + i + " checksum " + Long.toHexString(checksum)
                        + " differs from " + Long.toHexString(expected));
                System.exit(3);
            }
        }
        System.out.println("JF-BENCH checksum=" + Long.toHexString(expected == null ? 0 : expected));
        ProcStats.print();
        System.exit(0);
    }

    private static Workload create(String name) {
        switch (name) {
            case "startup": return new StartupWorkload();
            case "h2": return new H2Workload();
            case "xalan": return new XalanWorkload();
            case "lucene": return new LuceneWorkload();
            case "rhino": return new RhinoWorkload();
            case "javac": return new JavacWorkload();
            default: return null;
        }
    }
}
