/**
 * Object constants in installed code (tests/tests/share_objects.rs), one method per kind, so
 * that a test can require each to be installed: {@code strings} returns {@code ldc} strings
 * (interned: the caller compares them with {@code ==}), {@code enums} returns enum constants
 * (one with a body, so of a subclass) and switches on them (the switch map is a static final
 * array of a synthetic class), {@code statics} returns and reads static final objects (a
 * sentinel and an array). A receiver that patched in an equal copy instead of the same object
 * would print other counts; small heaps make the GC move the objects.
 *
 * Usage: java ShareObjects ROUNDS PAUSE_MS
 */
public class ShareObjects {
    enum Color {
        RED,
        GREEN,
        BLUE {
            @Override
            int weight() {
                return 7;
            }
        };

        int weight() {
            return ordinal() + 1;
        }
    }

    /** An application class: java.lang objects are not comparable facts (C2 trusts their final fields). */
    static final class Marker {
        final String name;

        Marker(String name) {
            this.name = name;
        }
    }

    static final Object SENTINEL = new Marker("sentinel");
    static final Object OTHER = new Marker("other");
    static final int[] TABLE = {3, 1, 4, 1};

    static String strings(int i) {
        if ((i & 7) == 3) {
            return "gamma\u00e9\u4e2d";
        }
        return (i & 1) == 0 ? "alpha" : "beta";
    }

    static Color enums(int i) {
        Color c = i % 3 == 0 ? Color.RED : i % 3 == 1 ? Color.GREEN : Color.BLUE;
        switch (c) {
            case RED:
                return (i & 4) == 0 ? c : Color.BLUE;
            case GREEN:
                return c;
            default:
                return Color.RED;
        }
    }

    static Object statics(int i, long[] out) {
        out[0] += TABLE[i & 3];
        return (i & 2) == 0 ? SENTINEL : OTHER;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        long alpha = 0, beta = 0, gamma = 0, red = 0, weights = 0, sentinel = 0;
        long[] table = new long[1];
        java.util.List<Object> garbage = new java.util.ArrayList<>();
        for (int i = 1; i < rounds; i++) {
            String s = strings(i);
            if (s == "alpha") {
                alpha++;
            } else if (s == "beta") {
                beta++;
            } else if (s == "gamma\u00e9\u4e2d") {
                gamma++;
            }
            Color c = enums(i);
            if (c == Color.RED) {
                red++;
            }
            weights += c.weight();
            if (statics(i, table) == SENTINEL) {
                sentinel++;
            }
            garbage.add(new int[16]);
            if (garbage.size() > 10000) {
                garbage.clear();
            }
            if (i == 1) {
                InstallWait.pause(pause, ShareObjects.class, "strings", "enums", "statics");
            }
            if (i % 50000 == 0) {
                System.out.println("round " + i + " " + alpha + " " + beta + " " + gamma + " " + red + " " + weights + " " + sentinel + " " + table[0]);
            }
        }
        System.out.println("end " + alpha + " " + beta + " " + gamma + " " + red + " " + weights + " " + sentinel + " " + table[0]);
    }
}
