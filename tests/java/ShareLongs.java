/**
 * 64-bit data constants in installed code (tests/tests/share_constants.rs): {@code mix} masks
 * and tags with long constants of the kind H2's MVStore uses (41- and 40-bit masks, a bit at
 * 2^41), which C2 loads with {@code movabs r, imm64} and no relocation — values a range test
 * would take for VM addresses — and divides by large constants, for which C2 materialises a
 * magic multiplier of its own ({@code DivLNode}'s transform). Every constant feeds the printed
 * sums, so a constant changed by the capture or the install changes the output.
 * {@code tag} allocates a capturing lambda: its code embeds the lambda proxy's class, a hidden
 * class, refused by the capture as {@code hidden_class}.
 *
 * Usage: java ShareLongs ROUNDS PAUSE_MS
 */
public class ShareLongs {
    static long mix(long x, long y) {
        long a = x * 0x9E3779B97F4A7C15L + y;
        long page = (a >>> 3) & 0x1ffffffffffL;
        long chunk = (a & 0xffffffffffL) | 0x20000000000L;
        long q = a / 1_000_000_007L;
        long r = a % 274_877_906_951L;
        long u = Long.divideUnsigned(a, 3_000_000_019L);
        return (page ^ chunk) + q * 31 + r - u;
    }

    static java.util.function.LongSupplier tag(long v) {
        return () -> v ^ 0x1ffffffffffL;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        long sum = 0;
        for (int i = 1; i < rounds; i++) {
            sum += mix(i * 0x5DEECE66DL, sum) + tag(i).getAsLong();
            if (i == 1) {
                InstallWait.pause(pause, ShareLongs.class, "mix");
            }
            if (i % 50000 == 0) {
                System.out.println("round " + i + " " + sum);
            }
        }
        System.out.println("sum " + sum);
    }
}
