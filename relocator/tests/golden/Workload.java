// A small workload whose hot methods make C2 emit every kind of debug information the
// relocator decodes: inlining, virtual/interface/static calls, exceptions caught in compiled
// code, synchronized blocks, allocations that escape analysis may scalar-replace, switches
// (jump tables), longs/doubles in frames, OSR loops. Run it, then dump it with SaDump.
import java.util.*;

public class Workload {
    interface Shape { double area(); }
    static final class Circle implements Shape { final double r; Circle(double r) { this.r = r; } public double area() { return Math.PI * r * r; } }
    static final class Square implements Shape { final double s; Square(double s) { this.s = s; } public double area() { return s * s; } }
    static final class Tri implements Shape { final double b, h; Tri(double b, double h) { this.b = b; this.h = h; } public double area() { return 0.5 * b * h; } }
    static final class Point { final long x, y; Point(long x, long y) { this.x = x; this.y = y; } }

    static final Object LOCK = new Object();
    static long counter;

    static double shapes(Shape[] arr) {
        double sum = 0;
        for (Shape s : arr) sum += s.area();
        return sum;
    }

    static long points(int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            Point p = new Point(i, i * 2L);      // scalar-replaceable
            Integer boxed = Integer.valueOf(i);  // auto-box
            acc += p.x * 31 + p.y + boxed;
        }
        return acc;
    }

    static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static int sw(int k) {
        switch (k & 15) {
            case 0: return 11; case 1: return 23; case 2: return 37; case 3: return 41;
            case 4: return 53; case 5: return 67; case 6: return 71; case 7: return 83;
            case 8: return 97; case 9: return 101; case 10: return 113; default: return k;
        }
    }

    static void locked(int n) {
        for (int i = 0; i < n; i++) {
            synchronized (LOCK) { counter += i; }
        }
    }

    static String strings(int i) {
        StringBuilder sb = new StringBuilder();
        sb.append("v").append(i).append(':').append(i * 1.5d);
        return sb.toString();
    }

    static long osrLoop() {
        long x = 0;
        for (int i = 0; i < 50_000_000; i++) { x += i ^ (x >>> 3); }
        return x;
    }

    public static void main(String[] args) throws Exception {
        Random rnd = new Random(1);
        Shape[] arr = new Shape[1000];
        for (int i = 0; i < arr.length; i++) {
            int k = rnd.nextInt(3);
            arr[i] = k == 0 ? new Circle(i) : k == 1 ? new Square(i) : new Tri(i, 2);
        }
        String[] inputs = { "12", "x", "345", "-7", "oops" };
        List<Integer> list = new ArrayList<>();
        long sink = osrLoop();
        for (int round = 0; round < 3000; round++) {
            sink += (long) shapes(arr);
            sink += points(2000);
            for (int i = 0; i < 200; i++) sink += parse(inputs[i % inputs.length]) + sw(i);
            locked(200);
            sink += strings(round).length();
            list.add(round);
            if (list.size() > 100) list.clear();
            sink += list.stream().mapToInt(Integer::intValue).filter(v -> v % 3 == 0).sum();
            HashMap<String, Integer> m = new HashMap<>();
            for (int i = 0; i < 50; i++) m.merge("k" + (i % 7), i, Integer::sum);
            sink += m.size();
        }
        System.out.println("ready " + sink);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
