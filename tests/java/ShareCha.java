/**
 * Class-hierarchy analysis: while {@code ShareChaCounter} has no subclass, C2 compiles
 * {@code total} with the virtual call {@code c.step(i)} devirtualised and inlined, under a
 * dependency (unique concrete method). With "switch", the program loads a subclass that
 * overrides {@code step} half-way through: code compiled (or installed) under the dependency
 * must be deoptimised, and the totals must stay right. Used by tests/tests/soundness.rs.
 *
 * With {@code -Dsharecha.early=true} the subclass is loaded while ShareCha is initialised,
 * before any code of ShareCha can be installed: the dependency is broken from the start.
 *
 * Usage: java ShareCha ROUNDS PAUSE_MS [switch].
 */
public class ShareCha {
    static {
        if (Boolean.getBoolean("sharecha.early")) {
            try {
                Class.forName("ShareChaFast");
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    static int total(ShareChaCounter c, int i) {
        return c.step(i) * 3 + c.step(i + 1);
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        boolean flip = args.length > 2 && args[2].equals("switch");
        ShareChaCounter c = new ShareChaCounter();
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            if (flip && r == rounds / 2) {
                c = (ShareChaCounter) Class.forName("ShareChaFast").getDeclaredConstructor().newInstance();
                System.out.println("switched to " + c.getClass().getName());
            }
            for (int i = 0; i < 200; i++) {
                sum += total(c, i + (r & 255));
            }
            if (r % 5000 == 0) {
                System.out.println("round " + r + " " + sum);
            }
            if (r == 0) {
                Thread.sleep(pause);
            }
        }
        System.out.println("sum " + sum);
    }
}

/** No subclass is loaded until the switch. */
class ShareChaCounter {
    int step(int i) {
        return (i * 7) ^ (i >>> 3);
    }
}

/** Loaded by name at the switch: breaks the unique-concrete-method assumption. */
class ShareChaFast extends ShareChaCounter {
    @Override
    int step(int i) {
        return i + 1;
    }
}
