/**
 * {@code Method*} constants in installed code (tests/tests/share_methods.rs). {@code mix} calls
 * {@code hashCode()} on receivers of many classes (megamorphic): C2 inlines the
 * {@code Object.hashCode} intrinsic behind a guard that compares the receiver's vtable entry
 * with the {@code Method*} of {@code Object.hashCode} (a {@code movabs r, imm64} metadata
 * constant) and calls the method virtually when the class overrides it. A guard with a wrong
 * method would give an overriding class the identity hash (or an identity-hashed object its
 * override's value); either changes the printed sums, which count identity hashes as 1 and
 * add overriding hashes. After round 1 the program pauses (the installer's window) and then
 * loads {@code Late}, a class that overrides {@code hashCode}, which the donor never saw
 * before its compile: the installed guard must send it to its override.
 *
 * Usage: java ShareHash ROUNDS PAUSE_MS
 */
public class ShareHash {
    /** Does not override hashCode: the guard's fast path (identity hash). */
    static final class Plain {
        final int v;

        Plain(int v) {
            this.v = v;
        }
    }

    /** Does not override hashCode either. */
    static final class Other {
    }

    /** Overrides hashCode; first used after the pause. */
    static final class Late {
        final int v;

        Late(int v) {
            this.v = v;
        }

        @Override
        public int hashCode() {
            return v * 1_000_003;
        }
    }

    static int mix(Object[] xs) {
        int h = 0;
        for (Object o : xs) {
            int c = o.hashCode();
            h = 31 * h + (c == System.identityHashCode(o) ? 1 : c);
        }
        return h;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        Object[] xs = new Object[12];
        long sum = 0;
        for (int i = 1; i < rounds; i++) {
            for (int k = 0; k < xs.length; k++) {
                switch ((i + k) % 5) {
                    case 0 -> xs[k] = new Plain(k);
                    case 1 -> xs[k] = new Other();
                    case 2 -> xs[k] = "s" + (i % 97) + k;
                    case 3 -> xs[k] = Integer.valueOf(i % 1000 + k);
                    default -> xs[k] = new int[k];
                }
            }
            if (i > rounds / 2 && i % 3 == 0) {
                xs[i % xs.length] = new Late(i % 89);
            }
            sum += mix(xs);
            if (i == 1) {
                InstallWait.pause(pause, ShareHash.class, "mix");
            }
            if (i % 50000 == 0) {
                System.out.println("round " + i + " " + sum);
            }
        }
        System.out.println("sum " + sum);
    }
}
