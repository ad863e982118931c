/**
 * Hot leaf methods over arrays: object references in debug info and oop maps (the arrays),
 * implicit null checks, range-check uncommon traps. A background thread allocates so that
 * GCs happen while the loops run (oop maps of installed code are walked). At the end one
 * method is called with null: the implicit null check in compiled code must still throw.
 *
 * Usage: java ShareArrays ROUNDS [PAUSE_MS]
 *
 * <p>After round 0 the program pauses for the installer ({@link InstallWait}: until {@code dot}
 * and {@code fill} have level-4 code when WhiteBox is on, else PAUSE_MS).
 */
public class ShareArrays {
    static int sumSquares(int[] a) {
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] * a[i]) ^ i;
        }
        return s;
    }

    static long dot(long[] a, long[] b, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i] + (s >>> 13);
        }
        return s;
    }

    static final class Box {
        Object value;
    }

    /** Reference stores: card marks (the card table base is embedded) and GC barriers. */
    static int fill(Box[] boxes, Object v, int n) {
        int stored = 0;
        for (int i = 0; i < n; i++) {
            Box b = boxes[i];
            if (b.value != v) {
                b.value = v;
                stored++;
            }
        }
        return stored;
    }

    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Thread garbage = new Thread(() -> {
            while (true) {
                sink = new byte[64 * 1024];
            }
        });
        garbage.setDaemon(true);
        garbage.start();
        int[] ints = new int[700];
        long[] xs = new long[500];
        long[] ys = new long[500];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = i * 7 - 300;
        }
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i * 31L;
            ys[i] = 1000L - i;
        }
        long total = 0;
        Box[] slots = new Box[300];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Box();
        }
        Object[] values = {"a", Integer.valueOf(7), slots};
        for (int r = 0; r < rounds; r++) {
            ints[r % ints.length] += r;
            total += sumSquares(ints) + dot(xs, ys, 400 + (r & 63)) + fill(slots, values[r % 3], 200 + (r & 63));
            if (r % 5000 == 0) {
                System.out.println("round " + r + " " + total);
            }
            if (r == 0) {
                InstallWait.pause(pause, ShareArrays.class, "dot", "fill");
            }
        }
        System.out.println("sum " + total);
        try {
            System.out.println("null gives " + sumSquares(null));
        } catch (NullPointerException e) {
            System.out.println("null throws NullPointerException");
        }
        try {
            System.out.println("null gives " + dot(null, ys, 10));
        } catch (NullPointerException e) {
            System.out.println("null throws NullPointerException");
        }
        try {
            System.out.println("short gives " + dot(xs, new long[3], 10));
        } catch (ArrayIndexOutOfBoundsException e) {
            System.out.println("short throws ArrayIndexOutOfBoundsException");
        }
    }
}
