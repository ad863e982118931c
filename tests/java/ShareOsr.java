/**
 * OSR code shared between JVMs (tests/tests/share_osr.rs): every kernel is a long loop in a
 * method called exactly once, so C2 only ever compiles it on-stack-replacement (entered from
 * the interpreter in the middle of the loop) — the donor compiles it, a receiver with the
 * captured code installed must enter the installed OSR nmethod instead and print the same.
 *
 * Usage: java ShareOsr N PAUSE_MS. The program first sleeps PAUSE_MS (time for an installing
 * agent: the kernels are entered only once), then runs each kernel once over N iterations.
 */
public class ShareOsr {
    /** Arithmetic only: a long hash over the loop counter. */
    static long arith(int n) {
        long h = 17;
        for (int i = 0; i < n; i++) {
            h = h * 31 + (i ^ (i >>> 3));
            h ^= h >>> 17;
        }
        return h;
    }

    /** Arrays: stores, loads, a bounds-checked neighbour read (a static final array: a local one
     * would come from the OSR buffer, not known non-null, with a deoptimising null check). */
    static final int[] A = new int[1024];

    static long arrays(int n) {
        int[] a = A;
        long s = 0;
        for (int i = 0; i < n; i++) {
            int k = i & 1023;
            a[k] = a[k] * 3 + i;
            s += a[(k * 7) & 1023] ^ k;
        }
        return s;
    }

    /** Nested loops: the inner back-edge gets hot. */
    static long nested(int n) {
        long s = 0;
        for (int i = 0; i < n / 1000; i++) {
            for (int j = 0; j < 1000; j++) {
                s += (i * j) ^ (s >>> 7);
            }
        }
        return s;
    }

    static int step(int i) {
        return (i * 0x9e3779b1) >>> 7;
    }

    /** A call per iteration. */
    static long calls(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += step(i) & 0xffff;
        }
        return s;
    }

    static int parse(int i) {
        if (i % 1000 == 999) {
            // A constant message: string concatenation would bring a hidden class (refused).
            throw new IllegalArgumentException("bad");
        }
        return i & 7;
    }

    /** A call that sometimes throws, caught inside the loop. */
    static long caught(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            try {
                s += parse(i);
            } catch (IllegalArgumentException e) {
                s -= e.getMessage().length();
            }
        }
        return s;
    }

    /** One line per kernel, each kernel entered once (also run by DiffSuite). */
    static String[] run(int n) {
        return new String[] {
            "osr_arith " + arith(n), "osr_arrays " + arrays(n), "osr_nested " + nested(n), "osr_calls " + calls(n),
            "osr_caught " + caught(n / 10),
        };
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Thread.sleep(Long.parseLong(args[1]));
        for (String line : run(n)) {
            System.out.println(line);
        }
    }
}
