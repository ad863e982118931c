import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * Class churn for stress-testing the shim's safety: loads {@code ShimProbe} (and its nested
 * classes) again and again in throwaway class loaders, runs it long enough to get counters and
 * MethodData, drops the loader and forces GCs so the classes are unloaded, their jmethodIDs
 * cleared and their metadata freed — while the agent keeps reading them.
 *
 * <p>Usage: {@code java -cp DIR ShimProbeUnload ROUNDS CALLS}.
 */
public class ShimProbeUnload {
    /** Child-first for the ShimProbe classes, so every round defines fresh copies. */
    static final class Fresh extends ClassLoader {
        Fresh(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("ShimProbe") || name.startsWith("ShimProbeUnload")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (java.io.IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String calls = args.length > 1 ? args[1] : "2000";
        for (int r = 0; r < rounds; r++) {
            Class<?> probe = new Fresh(ShimProbeUnload.class.getClassLoader()).loadClass("ShimProbe");
            Method main = probe.getMethod("main", String[].class);
            main.invoke(null, (Object) new String[] {calls});
            if (r % 10 == 9) {
                System.gc();
            }
        }
        System.out.println("ShimProbeUnload done " + rounds);
    }
}
