package jitfleet.bench;

import java.nio.charset.StandardCharsets;

/** 64-bit FNV-1a: a stable, dependency-free checksum of workload results. */
final class Checksum {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private long state = OFFSET;

    Checksum add(long value) {
        for (int i = 0; i < 8; i++) {
            state ^= (value >>> (8 * i)) & 0xff;
            state *= PRIME;
        }
        return this;
    }

    Checksum add(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            state ^= b & 0xff;
            state *= PRIME;
        }
        return add(text.length());
    }

    long value() {
        return state;
    }

    static long of(String text) {
        return new Checksum().add(text).value();
    }
}
