/**
 * A hot method that reads instance fields of another class: C2 compiles the fields' offsets
 * into the code. tests/tests/soundness.rs runs the receiver with a different version of
 * {@code ShareLayoutBox} (an extra field first, so other offsets) ahead on the class path:
 * code captured against the first version must not be installed there.
 *
 * Usage: java ShareLayout ROUNDS PAUSE_MS.
 */
public class ShareLayout {
    static int weigh(ShareLayoutBox b, int i) {
        return b.a * 3 + b.b * i;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        ShareLayoutBox box = new ShareLayoutBox(5, 7);
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 100; i++) {
                sum += weigh(box, i + (r & 15));
            }
            if (r == 0) {
                Thread.sleep(pause);
            }
        }
        System.out.println("sum " + sum);
    }
}

/** Two int fields; the test's second version puts a long before them. */
class ShareLayoutBox {
    int a;
    int b;

    ShareLayoutBox(int a, int b) {
        this.a = a;
        this.b = b;
    }
}
