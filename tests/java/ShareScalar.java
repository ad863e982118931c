/**
 * Scalar-replaced objects in shared code: each kernel allocates objects that never escape its
 * compiled code, so C2 eliminates them and describes them in the debug information of the
 * kernel's uncommon traps. Training never takes the {@code flip} branch; at the end it is taken
 * once per kernel, so the code deoptimises while the objects are live and the VM rebuilds them
 * (with the right class and field values) for the interpreter, which hands them to a
 * {@code show*} method that prints what it finds in them. The kernels cover an instance with
 * int/long/double/float/object fields and a nested instance reachable only through it, small
 * int/long/double/char arrays and an Object[] holding two of them (the same objects after
 * rematerialisation), boxes from {@code valueOf} (kLongBox: a Long C2 eliminates; a cached
 * Integer must come back as the very cached instance; see kBoxes), a lock held on a non-escaping object, and
 * objects live across a call.
 *
 * <p>Run with {@code -XX:CompileCommand=dontinline,ShareScalar::k*} and
 * {@code -XX:CompileCommand=dontinline,ShareScalar::show*} so that the kernels are nmethods of
 * their own (the shared code) and the trap branches call out. The kernels use no floating-point
 * constants and no 64-bit constants that look like addresses (a constants section or an
 * unrelocated address-like immediate refuses a method: other limits, not tested here).
 *
 * <p>Usage: java ShareScalar ROUNDS [PAUSE_MS]
 */
public class ShareScalar {
    static final class Point {
        int x;
        long y;
        double z;
        float w;
        String tag;
        Point next;
    }

    /** An instance with every kind of field and a nested instance only it refers to. */
    static long kFields(int i, int flip) {
        Point p = new Point();
        p.x = i;
        p.y = i * 3_000_000_007L;
        p.z = (double) i;
        p.w = (float) -i;
        p.tag = (i & 1) == 0 ? "even" : "odd";
        Point q = new Point();
        q.x = -i;
        q.y = Long.MIN_VALUE + i;
        p.next = q;
        if (flip != 0) {
            return showPoint(p);
        }
        return p.x + p.y + Double.doubleToRawLongBits(p.z) + Float.floatToRawIntBits(p.w) + p.tag.length() + p.next.x + (p.next.y >>> 40);
    }

    /** Small arrays of several element kinds. */
    static long kArrays(int i, int flip) {
        int[] ints = {i, i + 1, i * 7};
        long[] longs = {(long) i << 34, -i};
        double[] doubles = {(double) i, (double) i * i};
        char[] chars = {(char) ('a' + (i % 26)), 'Z'};
        Object[] holder = {ints, chars, null};
        if (flip != 0) {
            return showArrays(ints, longs, doubles, chars, holder);
        }
        return ((int[]) holder[0])[1] + ints[0] + ints[1] + ints[2] + longs[0] + longs[1] + Double.doubleToRawLongBits(doubles[0] + doubles[1]) + chars[0] + chars[1];
    }

    /**
     * Boxes from valueOf. Values C2 can prove outside the box caches make valueOf a plain
     * allocation, which escape analysis eliminates; values that may be cached are a load or an
     * allocation (a merge C2 does not scalar-replace). HotSpot 17's C2 never describes a box as
     * an auto box (AutoBoxObjectValue): its late-inline boxing path is disabled (JDK-8276112).
     */
    static long kBoxes(int i, int flip) {
        Integer small = Integer.valueOf(i & 63);
        Integer large = Integer.valueOf((i & 0xffff) | 0x100);
        // No cached Long here: a cached value profiled in Long.valueOf would keep kLongBox's box a
        // merge of the cache load and the allocation, which C2 does not scalar-replace.
        Long largeLong = Long.valueOf((long) ((i & 0xffff) | 0x100) << 20);
        if (flip != 0) {
            return showBoxes(i, small, large, largeLong, largeLong);
        }
        return small + large + largeLong;
    }

    /**
     * A Long from valueOf of a value C2 can prove outside the cache: valueOf is then a plain
     * allocation, which C2 scalar-replaces.
     */
    static long kLongBox(int i, int flip) {
        Long b = Long.valueOf((i & 0xffff) | 0x100);
        if (flip != 0) {
            return showBoxes(i, 0, 0, b, b);
        }
        return b + 1;
    }

    /** A lock on an object nobody else sees: C2 eliminates it; deoptimisation must re-lock it. */
    static long kLock(int i, int flip) {
        Point p = new Point();
        p.x = i;
        p.y = 2L * i;
        synchronized (p) {
            p.x += 3;
            if (flip != 0) {
                return showLocked(p);
            }
            p.y += p.x;
        }
        return p.x + p.y;
    }

    /**
     * Objects live across a call (a safepoint with scalar-replaced objects in its debug info):
     * a frame deoptimised while stopped in {@link #kLeaf} (the deoptimisation storm) continues in
     * the interpreter with the rebuilt objects.
     */
    static long kAcross(int i) {
        Point p = new Point();
        p.x = i;
        p.y = -3L * i;
        p.z = (double) i;
        int[] a = {i, -i, i >>> 3};
        long r = kLeaf(i);
        return p.x + p.y + Double.doubleToRawLongBits(p.z) + a[0] + a[1] + a[2] + r;
    }

    static long kLeaf(int i) {
        return Integer.bitCount(i);
    }

    static long showPoint(Point p) {
        System.out.println("point " + p.getClass().getName() + " x=" + p.x + " y=" + p.y + " z=" + p.z + " w=" + p.w + " tag=" + p.tag
                        + " interned=" + (p.tag == "even" || p.tag == "odd") + " next.x=" + p.next.x + " next.y=" + p.next.y
                        + " next.next=" + p.next.next + " next.tag=" + p.next.tag);
        return p.x;
    }

    static long showArrays(int[] ints, long[] longs, double[] doubles, char[] chars, Object[] holder) {
        System.out.println("arrays " + ints.getClass().getSimpleName() + java.util.Arrays.toString(ints) + " " + longs.getClass().getSimpleName()
                        + java.util.Arrays.toString(longs) + " " + java.util.Arrays.toString(doubles) + " " + new String(chars)
                        + " holder " + holder.getClass().getSimpleName() + " " + holder.length + " same objects " + (holder[0] == ints) + " "
                        + (holder[1] == chars) + " " + holder[2]);
        return ints.length + longs.length + doubles.length + chars.length;
    }

    static long showBoxes(int i, Integer small, Integer large, Long smallLong, Long largeLong) {
        System.out.println("boxes " + small + " cached=" + (small == Integer.valueOf(i & 63)) + " " + large + " " + smallLong + " cached="
                        + (smallLong == Long.valueOf(i & 31)) + " " + largeLong + " " + large.getClass().getName() + " " + largeLong.getClass().getName());
        return small;
    }

    static long showLocked(Point p) {
        boolean held = Thread.holdsLock(p);
        // Another thread must wait for the re-locked object until this frame returns.
        boolean[] got = new boolean[1];
        Thread t = new Thread(() -> {
            synchronized (p) {
                got[0] = true;
            }
        });
        t.start();
        try {
            t.join(200);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
        System.out.println("locked held=" + held + " other thread got it while held=" + got[0] + " x=" + p.x + " y=" + p.y);
        return p.x;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 0;
        // Load and initialise everything, then give the installer time before anything is hot.
        // Long's box cache initialised (kLongBox's code reads it), by one call that profiles nothing.
        long sum = Long.valueOf(5);
        sum += kFields(1, 0) + kArrays(1, 0) + kBoxes(1, 0) + kLongBox(1, 0) + kLock(1, 0) + kAcross(1);
        InstallWait.pause(pause, ShareScalar.class, "kFields", "kArrays", "kLock", "kAcross", "kLongBox", "kBoxes");
        for (int i = 0; i < rounds; i++) {
            sum += kFields(i, 0);
            sum += kArrays(i, 0);
            sum += kBoxes(i, 0);
            sum += kLongBox(i, 0);
            sum += kLock(i, 0);
            sum += kAcross(i);
        }
        System.out.println("sum " + sum);
        // The branch never taken so far: each kernel deoptimises with its objects live.
        int at = rounds + 12345;
        System.out.println("fields " + kFields(at, 1));
        System.out.println("arrays " + kArrays(at, 1));
        System.out.println("boxes " + kBoxes(at, 1));
        System.out.println("long box " + kLongBox(at, 1));
        System.out.println("lock " + kLock(at, 1));
    }
}
