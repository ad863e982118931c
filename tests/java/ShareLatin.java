/**
 * A hot method whose C2 code inlines {@code Character.toLowerCase(int)}: its
 * {@code CharacterData.of} names {@code CharacterData00} and other tables in a switch, classes
 * this program never loads, since it only lowers Latin-1 text. Capture reads every static field
 * such a method names (its code facts) and must do so without loading those classes.
 *
 * <p>Usage: {@code ShareLatin ROUNDS PAUSE_MS}; sleeps PAUSE_MS first (time for an installer),
 * then prints a checksum of the lowered text.
 */
public class ShareLatin {
    static final String[] WORDS = {"Hello", "WORLD", "MiXeD Case", "ÀÉÎÕÜ àéîõü", "JitFleet 17", "QUIC+TLS"};

    static int lower(String s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + Character.toLowerCase((int) s.charAt(i));
        }
        return h;
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = Integer.parseInt(args[0]);
        Thread.sleep(Long.parseLong(args[1]));
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            sum += lower(WORDS[r % WORDS.length]);
        }
        System.out.println("checksum " + sum);
    }
}
