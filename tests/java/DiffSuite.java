import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The differential suite's program (tests/tests/differential.rs): small kernels of the kinds
 * C2 compiles differently — arrays, allocation, virtual and interface calls (mono-, bi- and
 * megamorphic sites), exceptions thrown and caught in compiled code, synchronized, strings,
 * table and lookup switches, lambdas and streams, and a branch never taken while the code is
 * captured ("flip": taken from the middle of the run on), and then the loops of ShareOsr, each
 * in a method entered once (compiled only on-stack-replacement). Prints a checksum per kernel; a run
 * with installed code must print exactly what a run without the agent prints.
 *
 * Usage: java DiffSuite ROUNDS PAUSE_MS [flip]. After the first round the program pauses
 * PAUSE_MS (time for an installing agent before the kernels get hot).
 */
public class DiffSuite {
    static final String[] NAMES = {
        "arrays", "alloc", "mono", "bi", "mega", "iface", "exceptions", "sync", "strings", "tableswitch", "lookupswitch", "streams", "flip",
    };

    /** Iterations of each OSR kernel: enough for the donor's C2 to compile it OSR mid-loop. */
    static final int OSR_ITERATIONS = 60_000_000;

    // ---- arrays
    static long arrays(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i * i - 3 * i;
        }
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] ^ a[n - 1 - i];
        }
        long[] b = new long[n / 2 + 1];
        System.arraycopy(new long[] {s, n}, 0, b, 0, 2);
        return s + b[0] - b[1];
    }

    // ---- allocation (kept alive through an array so it is not scalar-replaced away)
    static final class Pt {
        final int x;
        final int y;
        Pt next;

        Pt(int x, int y) {
            this.x = x;
            this.y = y;
        }
    }

    static long alloc(int n) {
        Pt[] keep = new Pt[16];
        Pt chain = null;
        long s = 0;
        for (int i = 0; i < n; i++) {
            Pt p = new Pt(i, i + 1);
            p.next = chain;
            chain = (i & 7) == 0 ? p : chain;
            keep[i & 15] = p;
            s += p.x * (long) p.y;
        }
        for (Pt p = chain; p != null; p = p.next) {
            s ^= p.x;
        }
        return s + keep[3].y;
    }

    // ---- virtual calls
    abstract static class Shape {
        abstract int area(int k);
    }

    static final class Sq extends Shape {
        int area(int k) {
            return k * k;
        }
    }

    static final class Ci extends Shape {
        int area(int k) {
            return 3 * k * k + 1;
        }
    }

    static final class Tri extends Shape {
        int area(int k) {
            return k * (k + 1) / 2;
        }
    }

    static final class Hex extends Shape {
        int area(int k) {
            return 6 * k - 5;
        }
    }

    static final Shape[] SHAPES = {new Sq(), new Ci(), new Tri(), new Hex()};

    static int mono(Shape s, int k) {
        return s.area(k) + 1;
    }

    static int bi(Shape s, int k) {
        return s.area(k) + 2;
    }

    static int mega(Shape s, int k) {
        return s.area(k) + 3;
    }

    // ---- interface calls
    interface Op {
        int apply(int a, int b);
    }

    static final class Add implements Op {
        public int apply(int a, int b) {
            return a + b;
        }
    }

    static final class Mul implements Op {
        public int apply(int a, int b) {
            return a * b;
        }
    }

    static final class Xor implements Op {
        public int apply(int a, int b) {
            return a ^ b;
        }
    }

    static final Op[] OPS = {new Add(), new Mul(), new Xor()};

    static int iface(Op op, int a, int b) {
        return op.apply(a, b) - 1;
    }

    // ---- exceptions thrown and caught in compiled code
    static int exceptions(int i) {
        try {
            if (i % 7 == 0) {
                throw new IllegalStateException("seven " + i);
            }
            return Integer.parseInt(i % 11 == 0 ? "x" + i : Integer.toString(i)) + 1;
        } catch (IllegalStateException e) {
            return e.getMessage().length();
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- synchronized
    // Not final: C2 would fold a final plain Object into the code, and the receiver refuses
    // code that folded an object it cannot compare.
    static Object LOCK = new Object();
    static int counter;

    static synchronized int syncStatic(int i) {
        return counter += i & 3;
    }

    static int sync(int i) {
        synchronized (LOCK) {
            counter ^= i;
        }
        return syncStatic(i);
    }

    // ---- strings
    static int strings(int i) {
        String s = "k" + i + ":" + (i * 31);
        StringBuilder b = new StringBuilder(s).reverse();
        return s.hashCode() ^ b.indexOf(":") ^ s.length() ^ (s.startsWith("k1") ? 1 : 0);
    }

    // ---- switches
    static int tableswitch(int i) {
        switch (i & 7) {
            case 0: return i + 1;
            case 1: return i * 2;
            case 2: return i - 3;
            case 3: return i ^ 5;
            case 4: return i >> 1;
            case 5: return -i;
            case 6: return i * i;
            default: return 7;
        }
    }

    static int lookupswitch(int i) {
        switch (i % 5000) {
            case 1: return 10;
            case 100: return 20;
            case 1000: return 30;
            case 2500: return 40;
            case 4999: return 50;
            default: return i & 1;
        }
    }

    // ---- lambdas and streams
    static long streams(int n) {
        long a = IntStream.range(0, n).map(x -> x * 3).filter(x -> (x & 1) == 0).asLongStream().sum();
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            list.add(n + i);
        }
        String joined = list.stream().map(x -> Integer.toString(x % 10)).collect(Collectors.joining());
        return a + joined.hashCode();
    }

    // ---- a branch that flips after the capture: never taken while the code is captured (C2
    // leaves an uncommon trap there), taken in the second half of a "flip" run
    static int flip(int i, boolean flipped) {
        if (flipped) {
            return i * 3 + 1;
        }
        return i >> 1;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        boolean flip = args.length > 2 && args[2].equals("flip");
        long[] sums = new long[NAMES.length];
        boolean flipped = false;
        for (int r = 0; r < rounds; r++) {
            if (flip && r == rounds / 2) {
                flipped = true;
            }
            int k = r & 255;
            sums[0] += arrays(64 + (r & 63));
            sums[1] += alloc(32);
            for (int j = 0; j < 16; j++) {
                sums[2] += mono(SHAPES[0], k + j);
                sums[3] += bi(SHAPES[j & 1], k + j);
                sums[4] += mega(SHAPES[j & 3], k + j);
                sums[5] += iface(OPS[(j + r) % 3], k, j);
                sums[6] += exceptions(r * 16 + j);
                sums[7] += sync(k + j);
                sums[9] += tableswitch(r * 16 + j);
                sums[10] += lookupswitch(r * 16 + j);
                sums[12] += flip(k + j, flipped);
            }
            sums[8] += strings(r);
            if ((r & 3) == 0) {
                sums[11] += streams(16 + (r & 15));
            }
            if (r == 0) {
                Thread.sleep(pause);
            }
        }
        for (int i = 0; i < NAMES.length; i++) {
            System.out.println(NAMES[i] + " " + sums[i]);
        }
        // OSR: long loops in methods entered once (ShareOsr), after the installer's pause.
        for (String line : ShareOsr.run(OSR_ITERATIONS)) {
            System.out.println(line);
        }
    }
}
