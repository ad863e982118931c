package jitfleet.bench;

/**
 * A tiny linear congruential generator so that generated inputs are identical on every
 * JDK (we do not want a library's random source to decide the workload).
 */
final class Lcg {
    private long state;

    Lcg(long seed) {
        state = seed;
    }

    int nextInt(int bound) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        return (int) ((state >>> 33) % bound);
    }
}
