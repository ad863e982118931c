/**
 * A program whose hot method is the simplest kind of C2 code: a static leaf with an int
 * arithmetic loop, no calls (its one callee, in another class, is inlined), no allocation, no
 * objects. Used by tests/tests/share.rs: run once
 * to capture `mix`, then in a second JVM that installs the captured code; both must print the
 * same lines as a run without the agent.
 *
 * Usage: java ShareLeaf ROUNDS [PAUSE_MS]. After the first call (which initialises the class)
 * the program pauses PAUSE_MS, giving an installing agent time to act before the method gets
 * hot here; without the pause the local JIT may compile it first (which is also correct).
 */
public class ShareLeaf {
    static int mix(int n) {
        int h = 17;
        for (int i = 0; i < n; i++) {
            h = ShareLeafMath.step(h, i);
        }
        return h;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 0;
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            sum += mix(1000 + (r & 255));
            if (r % 5000 == 0) {
                System.out.println("round " + r + " " + sum);
            }
            if (r == 0) {
                InstallWait.pause(pause, ShareLeaf.class, "mix");
            }
        }
        System.out.println("sum " + sum);
    }
}

/** The inlined callee of {@code ShareLeaf.mix}, in its own class. */
final class ShareLeafMath {
    static int step(int h, int i) {
        return h * 31 + (i ^ (h >>> 7));
    }
}
