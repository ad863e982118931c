/**
 * Class constants in installed code (tests/tests/share.rs): {@code make} allocates an object,
 * an int array and an object array (each C2 allocation stores the class in the new object's
 * header and passes it to the slow path) and type-checks its argument, so its code embeds
 * {@code Klass*} constants — as narrow klass immediates and as {@code movabs} operands. The
 * objects escape into a holder, and their fields and lengths feed the printed sum, so a wrong
 * class (wrong layout, wrong array length, wrong type check) changes the output; small heaps
 * make the GC walk and verify them.
 *
 * Usage: java ShareKlass ROUNDS PAUSE_MS
 */
public class ShareKlass {
    static final class Point {
        final int x;
        final long y;

        Point(int x, long y) {
            this.x = x;
            this.y = y;
        }
    }

    static final class Other {
        final int z = 5;
    }

    static final class Holder {
        Object last;
        Point[] points;
        int[] ints;
    }

    static long make(int i, Object o, Holder h) {
        Point p = new Point(i, 3L * i);
        int[] a = new int[(i & 7) + 1];
        Point[] ps = new Point[(i & 3) + 1];
        ps[ps.length - 1] = p;
        a[a.length - 1] = p.x;
        h.last = p;
        h.points = ps;
        h.ints = a;
        long r = a.length * 7L + ps.length + ps[ps.length - 1].y;
        if (o instanceof Point) {
            r += ((Point) o).x;
        } else if (o instanceof Other) {
            r -= ((Other) o).z;
        }
        return r;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        Holder h = new Holder();
        Object[] args2 = {new Point(1, 2), new Other(), "text", null};
        long sum = 0;
        for (int i = 1; i < rounds; i++) {
            sum += make(i, args2[i & 3], h);
            if (i == 1) {
                InstallWait.pause(pause, ShareKlass.class, "make");
            }
            if (i % 50000 == 0) {
                System.out.println("round " + i + " " + sum + " " + h.ints.length + " " + h.points.length);
            }
        }
        System.out.println("sum " + sum);
    }
}
