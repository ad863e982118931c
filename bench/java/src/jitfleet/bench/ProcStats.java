package jitfleet.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Process and JIT CPU time and peak RSS read from /proc at exit.
 *
 * <p>CPU times come from the utime+stime fields of /proc/self/stat and
 * /proc/self/task/TID/stat, in clock ticks of 10 ms (USER_HZ is 100 on x86-64 Linux).
 * JIT threads are recognised by their kernel name ("C1 CompilerThre", "C2 CompilerThre":
 * HotSpot's thread names cut to 15 characters). A compiler thread that already exited
 * (dynamic compiler threads) is not counted in the JIT figure but is in the process figure.
 */
final class ProcStats {
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcStats() {}

    static void print() {
        long processNs = -1;
        long c1Ns = 0;
        long c2Ns = 0;
        try {
            processNs = cpuTicks(Paths.get("/proc/self/stat")) * NANOS_PER_TICK;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
                for (Path task : tasks) {
                    String comm;
                    long ticks;
                    try {
                        comm = Files.readString(task.resolve("comm")).trim();
                        ticks = cpuTicks(task.resolve("stat"));
                    } catch (IOException threadGone) {
                        continue;
                    }
                    if (comm.startsWith("C1 CompilerThre")) {
                        c1Ns += ticks * NANOS_PER_TICK;
                    } else if (comm.startsWith("C2 CompilerThre")) {
                        c2Ns += ticks * NANOS_PER_TICK;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("JF-BENCH warning=proc-unreadable " + e);
        }
        System.out.println("JF-BENCH cpu_ns=" + processNs + " c1_cpu_ns=" + c1Ns + " c2_cpu_ns=" + c2Ns
                + " rss_hwm_kb=" + peakRssKb());
    }

    /** utime + stime of a stat file; the command name may contain spaces, so parse after ')'. */
    private static long cpuTicks(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
