/**
 * Java calls and exceptions crossing installed code (tests/tests/share.rs). The shared methods
 * {@code run} and {@code nest} make real calls — static, statically bound and megamorphic
 * virtual and interface calls — and exceptions pass through them: caught by a catch-all in
 * {@code run} (inlined from {@code guarded}, so C2 dispatches it behind its one catch-all
 * handler entry), or propagated out of {@code run} and out of many recursive frames of
 * {@code nest}. Every result and every exception is folded into the printed sums, so wrong
 * code, a lost exception or a wrong handler changes the output.
 *
 * Run with {@code -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,ShareCalls*::*} so
 * that the calls stay calls (and the shared methods are not inlined into main).
 *
 * Usage: java ShareCalls ROUNDS PAUSE_MS
 */
public class ShareCalls {
    interface Op {
        long apply(long a, int b);
    }

    static final class Add implements Op {
        public long apply(long a, int b) {
            return a + b;
        }
    }

    static final class Mul implements Op {
        public long apply(long a, int b) {
            return a * (b | 1);
        }
    }

    static final class Xor implements Op {
        public long apply(long a, int b) {
            return a ^ ((long) b << 17);
        }
    }

    /** Throws for every 11th b: propagates out of the shared methods. */
    static final class Div implements Op {
        public long apply(long a, int b) {
            return a / (b % 11);
        }
    }

    abstract static class Shape {
        abstract long area(int k);
    }

    static final class Sq extends Shape {
        long area(int k) {
            return (long) k * k;
        }
    }

    static final class Rect extends Shape {
        long area(int k) {
            return (long) k * (k + 3);
        }
    }

    static final class Tri extends Shape {
        long area(int k) {
            return (long) k * (k - 1) / 2;
        }
    }

    static final class Hex extends Shape {
        long area(int k) {
            return 6L * k + 1;
        }
    }

    /** A statically bound instance call target (final class, not inlined). */
    static final class Acc {
        long total;

        long add(long v) {
            total += v;
            return total;
        }
    }

    /** A static callee that throws for every 13th b (not inlined). */
    static long risky(long a, int b) {
        if (b % 13 == 0) {
            throw new IllegalStateException("b=" + b);
        }
        return a * 31 + b;
    }

    /** Inlined into run: no handler of its own. */
    static long guarded(long a, int b) {
        return risky(a, b) + 1;
    }

    /** Shared: a virtual call, an interface call, a static call whose exception a catch-all takes, a bound call. */
    static long run(int i, Shape s, Op op, Acc acc) {
        long r = s.area(i);
        r = op.apply(r, i);
        try {
            r += guarded(r, i);
        } catch (Throwable t) {
            r = ~r;
        }
        return acc.add(r);
    }

    /** Shared and recursive: an exception from the innermost call unwinds through every frame. */
    static long nest(int depth, Op op, int i) {
        if (depth == 0) {
            return op.apply(i, i);
        }
        return nest(depth - 1, op, i) + depth;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        Shape[] shapes = {new Sq(), new Rect(), new Tri(), new Hex()};
        Op[] ops = {new Add(), new Mul(), new Xor(), new Div()};
        Acc acc = new Acc();
        long sum = 0;
        long nested = 0;
        int thrown = 0;
        int thrownNested = 0;
        for (int i = 1; i < rounds; i++) {
            try {
                sum += run(i, shapes[i & 3], ops[(i >> 2) & 3], acc);
            } catch (ArithmeticException e) {
                thrown++;
                sum -= i;
            }
            try {
                nested += nest(i % 9, ops[(i >> 3) & 3], i);
            } catch (ArithmeticException e) {
                thrownNested++;
                nested -= i;
            }
            if (i == 1) {
                InstallWait.pause(pause, ShareCalls.class, "run", "nest");
            }
            if (i % 10000 == 0) {
                System.out.println("round " + i + " " + sum + " " + nested);
            }
        }
        System.out.println("sum " + sum + " thrown " + thrown);
        System.out.println("nested " + nested + " thrown " + thrownNested);
        System.out.println("acc " + acc.total);
    }
}
