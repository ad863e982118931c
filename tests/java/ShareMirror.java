/**
 * A hot leaf that branches on a {@code static final Class<?>} chosen from a system property:
 * C2 folds the comparison of the two mirrors and keeps one arm. Used by
 * tests/tests/soundness.rs: code captured with {@code -Djf.wide=false} (the class {@code int})
 * must run where the value is the same class and must not where it is {@code long}.
 *
 * Usage: java [-Djf.wide=B] ShareMirror ROUNDS PAUSE_MS.
 */
public class ShareMirror {
    static final Class<?> KIND = Boolean.getBoolean("jf.wide") ? long.class : int.class;

    static long widen(int n) {
        long h = 7;
        for (int i = 0; i < n; i++) {
            h = KIND == int.class ? h * 31 + i : h * 1_000_003L + i;
        }
        return h;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        System.out.println("kind " + KIND);
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            sum += widen(500 + (r & 127));
            if (r == 0) {
                Thread.sleep(pause);
            }
        }
        System.out.println("sum " + sum);
    }
}
