/**
 * A small application with its own exit status, for the network fault tests
 * (tests/tests/fleet.rs): it works for a while, prints what it computed, and exits with the
 * status it was given — the agent must change neither the output nor the status.
 *
 * Usage: java FleetExit MILLIS STATUS
 */
public class FleetExit {
    static long churn(long seed, int n) {
        long h = seed;
        for (int i = 0; i < n; i++) {
            h = h * 6364136223846793005L + (i ^ (h >>> 29));
        }
        return h;
    }

    public static void main(String[] args) throws Exception {
        long millis = Long.parseLong(args[0]);
        int status = Integer.parseInt(args[1]);
        long end = System.nanoTime() + millis * 1_000_000L;
        long h = 1;
        int rounds = 0;
        // A fixed amount of work, spread over at least `millis`: the output does not depend on speed.
        while (rounds < 400 || System.nanoTime() < end) {
            if (rounds < 400) {
                h = churn(h, 10_000);
                rounds++;
            } else {
                Thread.sleep(20);
            }
        }
        System.out.println("result " + h);
        System.out.flush();
        System.exit(status);
    }
}
