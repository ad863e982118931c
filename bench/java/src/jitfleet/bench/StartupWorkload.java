package jitfleet.bench;

/** Does nothing: the run measures JVM start-up and shut-down only. */
final class StartupWorkload implements Workload {
    @Override
    public void setUp(String[] args) {}

    @Override
    public long iterate() {
        return 1;
    }
}
