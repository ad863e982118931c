/**
 * A workload with known counts for checking the agent's HotSpot shim against a real JVM.
 *
 * <p>Usage: {@code java ShimProbe N}. Afterwards, with {@code JITFLEET_SHIM_DUMP=ShimProbe}, the
 * agent's dump at VMDeath shows:
 * <ul>
 *   <li>{@code calledNTimes}: invoked exactly N times, so its invocation counters (MethodCounters
 *       plus MethodData) add up to N while it is not C2-compiled;</li>
 *   <li>{@code branch9010}: its first conditional branch is taken in 9 of 10 calls
 *       ({@code i % 10 != 0} jumps over the rare block);</li>
 *   <li>{@code callArea}: one virtual call site fed {@code Square} and {@code Circle} receivers
 *       3:1;</li>
 *   <li>{@code callStatic}: an invokestatic whose argument is a String or null 1:1 (argument
 *       and return types are profiled with {@code -XX:TypeProfileLevel=222});</li>
 *   <li>{@code loop}: one call with N back-edges.</li>
 * </ul>
 */
public class ShimProbe {
    interface Shape { int area(); }

    static final class Square implements Shape {
        public int area() { return 4; }
    }

    static final class Circle implements Shape {
        public int area() { return 3; }
    }

    static abstract class Animal { abstract int legs(); }
    static final class Dog extends Animal { int legs() { return 4; } }
    static final class Bird extends Animal { int legs() { return 2; } }

    static int sink;

    static int calledNTimes(int x) {
        return x + 1;
    }

    static int branch9010(int i) {
        if (i % 10 == 0) {
            return sink - 1; // rare: 1 in 10
        }
        return sink + 1; // common: the ifne over the rare block is taken 9 in 10
    }

    static int callArea(Shape s) {
        return s.area(); // invokeinterface, receivers Square:Circle = 3:1
    }

    static int callLegs(Animal a) {
        return a.legs(); // invokevirtual, receivers Dog:Bird = 3:1
    }

    static Object identity(Object o) {
        return o;
    }

    static int callStatic(Object o) {
        return identity(o) == null ? 0 : 1; // invokestatic with an Object argument and result
    }

    static int loop(int n) {
        int acc = 0;
        for (int i = 0; i < n; i++) {
            acc += i;
        }
        return acc;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Shape[] shapes = { new Square(), new Square(), new Square(), new Circle() };
        Animal[] animals = { new Dog(), new Dog(), new Dog(), new Bird() };
        for (int i = 0; i < n; i++) {
            sink += calledNTimes(i);
            sink += branch9010(i);
            sink += callArea(shapes[i & 3]);
            sink += callLegs(animals[i & 3]);
            sink += callStatic((i & 1) == 0 ? "s" : null);
        }
        sink += loop(n);
        System.out.println("ShimProbe done " + n + " " + sink);
    }
}
