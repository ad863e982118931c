package sun.hotspot;

/**
 * The few HotSpot WhiteBox entry points the deoptimisation storm and the tests' waits need. HotSpot 17 binds
 * these natives when this class, loaded by the boot loader, calls {@code registerNatives}
 * under {@code -XX:+UnlockDiagnosticVMOptions -XX:+WhiteBoxAPI}. Methods HotSpot has but
 * this class does not declare make HotSpot print one warning each on its tty, so run with
 * {@code -XX:+DisplayVMOutputToStderr} to keep the program's stdout clean.
 */
public final class WhiteBox {
    private static native void registerNatives();

    static {
        registerNatives();
    }

    private static final WhiteBox INSTANCE = new WhiteBox();

    private WhiteBox() {}

    public static WhiteBox getWhiteBox() {
        return INSTANCE;
    }

    /** Deoptimises every compiled frame of every thread (at one safepoint); returns how many. */
    public native int deoptimizeFrames(boolean makeNotEntrant);

    public native void youngGC();

    public native void fullGC();

    private native int getMethodCompilationLevel0(java.lang.reflect.Executable method, boolean isOsr);

    /** The compilation level of the method's current (non-OSR) code; 0 when it has none. */
    public int compilationLevel(java.lang.reflect.Executable method) {
        return getMethodCompilationLevel0(method, false);
    }
}
