/**
 * A hot leaf whose arithmetic uses a {@code static final int} read from a system property in
 * another class: C2 folds the value into the machine code as an immediate, leaving no
 * relocation. Used by tests/tests/soundness.rs: code captured with one value of
 * {@code -Djf.folded=N} must not run in a JVM started with another (the results would differ).
 *
 * Usage: java [-Djf.folded=N] ShareFolded ROUNDS [PAUSE_MS].
 */
public class ShareFolded {
    static int mix(int n) {
        int h = 17;
        for (int i = 0; i < n; i++) {
            h = h * ShareFoldedConf.FACTOR + (i ^ (h >>> 7));
        }
        return h;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 0;
        System.out.println("factor " + ShareFoldedConf.FACTOR);
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            sum += mix(1000 + (r & 255));
            if (r % 5000 == 0) {
                System.out.println("round " + r + " " + sum);
            }
            if (r == 0) {
                InstallWait.pause(pause, ShareFolded.class, "mix");
            }
        }
        System.out.println("sum " + sum);
    }
}

/** The configuration class: its static final is initialised from a system property. */
final class ShareFoldedConf {
    static final int FACTOR = Integer.getInteger("jf.folded", 31);
}
