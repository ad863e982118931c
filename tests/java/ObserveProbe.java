import java.util.ArrayList;
import java.util.List;

/**
 * Workloads with known shapes for the observe-mode integration tests. Usage:
 * {@code java ObserveProbe MODE N}, where MODE is
 * <ul>
 *   <li>{@code counts}: {@code countedMethod} is called exactly N times and {@code countedLoop}
 *       runs once with exactly N back-edges (keep N below the tier-3 thresholds so that no JIT
 *       takes over the counting);</li>
 *   <li>{@code branch}: {@code branch9010} is called N times; its {@code if} is taken 9 in 10;</li>
 *   <li>{@code receivers}: {@code callShape}'s interface call sees Square:Circle = 3:1, N calls;</li>
 *   <li>{@code inline}: a hot loop whose body calls the tiny {@code square}, which C2 inlines
 *       into {@code sumOfSquares};</li>
 *   <li>{@code output}: prints a fixed text on stdout and stderr and exits with status N.</li>
 * </ul>
 * Every mode prints a checksum so a run with the agent can be compared with one without.
 */
public class ObserveProbe {
    interface Shape { int area(); }
    static final class Square implements Shape { public int area() { return 4; } }
    static final class Circle implements Shape { public int area() { return 3; } }

    static int sink;

    static int countedMethod(int x) { return x ^ 0x5a; }

    static int countedLoop(int n) {
        int acc = 0;
        for (int i = 0; i < n; i++) { acc += i; }
        return acc;
    }

    static int branch9010(int i) {
        if (i % 10 == 0) { return sink - 1; }   // javac emits ifne over this block: taken 9 in 10
        return sink + 1;
    }

    static int callShape(Shape s) { return s.area(); }

    static int square(int x) { return x * x; }

    static long sumOfSquares(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) { s += square(i); }
        return s;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        long check = 0;
        switch (mode) {
            case "counts":
                for (int i = 0; i < n; i++) { check += countedMethod(i); }
                check += countedLoop(n);
                break;
            case "branch":
                for (int i = 0; i < n; i++) { check += branch9010(i); }
                break;
            case "receivers":
                Shape[] shapes = { new Square(), new Square(), new Square(), new Circle() };
                for (int i = 0; i < n; i++) { check += callShape(shapes[i & 3]); }
                break;
            case "inline":
                for (int r = 0; r < n; r++) { check += sumOfSquares(10_000); }
                break;
            case "output":
                List<String> words = new ArrayList<>();
                for (int i = 0; i < 5; i++) { words.add("line" + i); }
                System.out.println(String.join(",", words));
                System.err.println("to stderr " + words.size());
                System.out.println("checksum " + words.hashCode());
                System.exit(n);
                return;
            case "sleep":
                // For attach tests: stay alive while something attaches, keep some code warm.
                long until = System.nanoTime() + n * 1_000_000L;
                System.out.println("ready");
                System.out.flush();
                while (System.nanoTime() < until) { check += sumOfSquares(1000); Thread.sleep(1); }
                break;
            case "selfattach": {
                // Warm the JIT, attach the agent given as args[2] with options args[3] to this
                // very JVM (needs -Djdk.attach.allowAttachSelf=true), keep running N ms.
                for (int r = 0; r < 300; r++) { check += sumOfSquares(10_000); }
                com.sun.tools.attach.VirtualMachine vm =
                    com.sun.tools.attach.VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
                vm.loadAgentPath(args[2], args[3]);
                vm.detach();
                long end = System.nanoTime() + n * 1_000_000L;
                while (System.nanoTime() < end) { check += sumOfSquares(1000); }
                break;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
        System.out.println("checksum " + check);
    }
}
