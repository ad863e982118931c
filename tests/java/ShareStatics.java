/**
 * Class mirrors as object constants in installed code (tests/tests/share.rs): {@code bump}
 * reads and writes static fields of two classes, which C2 addresses through the classes'
 * mirrors embedded in the code. The receiver must patch its own mirrors: with the donor's (or
 * a wrong class's) the program would read and write other memory and print other sums. Main
 * changes {@code Config.scale} half way, so a folded value would show too.
 *
 * Usage: java ShareStatics ROUNDS PAUSE_MS
 */
public class ShareStatics {
    static long counter;

    static final class Config {
        static int scale = 3;
        static long[] table = new long[16];
        static Object last;
    }

    static long bump(int i, Object o) {
        counter += i;
        Config.table[i & 15] += Config.scale;
        Config.last = o;
        long r = counter ^ Config.table[(i * 7) & 15];
        if (o.getClass() == Config.class) {
            r += 11;
        }
        return r;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        Object[] objects = {new Config(), "s", new Object(), new int[3]};
        long sum = 0;
        for (int i = 1; i < rounds; i++) {
            sum += bump(i, objects[i & 3]);
            if (i == 1) {
                InstallWait.pause(pause, ShareStatics.class, "bump");
            }
            if (i == rounds / 2) {
                Config.scale = 7;
            }
            if (i % 50000 == 0) {
                System.out.println("round " + i + " " + sum + " " + counter + " " + Config.table[5]);
            }
        }
        System.out.println("sum " + sum + " counter " + counter + " last " + Config.last.getClass().getSimpleName());
    }
}
