import java.lang.reflect.Executable;
import java.lang.reflect.Method;

/**
 * The receivers' pause for the agent's installer. With the WhiteBox API on the boot class path
 * ({@code storm_args()} in tests/src/lib.rs) the pause ends as soon as every declared method of
 * {@code owner} with one of the given names has level-4 (C2 or installed) code, and
 * {@code maxMillis} is only its limit; without it the pause is a plain sleep of
 * {@code maxMillis} (vanilla and donor runs). A fixed pause can end before the installs on a
 * loaded machine, and a C2 compile the receiver queued meanwhile then replaces the installed
 * code: correct, but not what a test that checks the installed code wants.
 */
public final class InstallWait {
    private InstallWait() {
    }

    public static void pause(long maxMillis, Class<?> owner, String... names) throws Exception {
        Object whiteBox;
        Method level;
        try {
            Class<?> wb = Class.forName("sun.hotspot.WhiteBox");
            whiteBox = wb.getMethod("getWhiteBox").invoke(null);
            level = wb.getMethod("compilationLevel", Executable.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            Thread.sleep(maxMillis);
            return;
        }
        java.util.List<Executable> wanted = new java.util.ArrayList<>();
        for (Method m : owner.getDeclaredMethods()) {
            if (java.util.Arrays.asList(names).contains(m.getName())) {
                wanted.add(m);
            }
        }
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("no method of " + owner.getName() + " named " + java.util.Arrays.toString(names));
        }
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (System.nanoTime() < deadline && !allAtLevel4(whiteBox, level, wanted)) {
            Thread.sleep(10);
        }
    }

    private static boolean allAtLevel4(Object whiteBox, Method level, java.util.List<Executable> wanted) throws ReflectiveOperationException {
        for (Executable m : wanted) {
            if ((Integer) level.invoke(whiteBox, m) != 4) {
                return false;
            }
        }
        return true;
    }
}
