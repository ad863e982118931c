package jitfleet.bench;

/**
 * One batch workload: prepared once, then run for N timed iterations in the same JVM.
 *
 * <p>Every iteration must do the same work and return the same checksum, so that the
 * harness can check that a mode (an archive, an AOT cache, an agent) did not change the
 * result — a faster wrong answer is not a speed-up.
 */
interface Workload {
    /** Untimed preparation (input generation); runs before the first timed iteration. */
    void setUp(String[] args) throws Exception;

    /** One timed iteration; returns a checksum of its result. */
    long iterate() throws Exception;
}
