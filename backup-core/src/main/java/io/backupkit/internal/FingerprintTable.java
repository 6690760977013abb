package io.backupkit.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongPredicate;

/**
 * 64-bit fingerprints of strings, each with a 64-bit value, in two arrays: a set of paths for a snapshot of a
 * million entries in 16 bytes a path instead of a string and a hash node each. A fingerprint only says "maybe the
 * same": equal fingerprints of different strings are possible, so a key may be stored more than once, and a caller
 * that needs certainty checks each candidate's value (an index line's position, read back) with
 * {@link #anyMatch(long, LongPredicate)}. Fingerprints are seeded per process, so no file can be made to collide on
 * purpose.
 *
 * <pre>{@code
 * FingerprintTable seen = new FingerprintTable();
 * long fp = FingerprintTable.fingerprint(path);
 * if (!seen.anyMatch(fp, offset -> path.equals(pathAt(offset)))) seen.add(fp, offsetOfThisLine);
 * }</pre>
 */
final class FingerprintTable {

    private static final long SEED = ThreadLocalRandom.current().nextLong() | 1;
    private static final long EMPTY = 0;
    private static final int FIRST_CAPACITY = 64;

    private long[] keys = new long[FIRST_CAPACITY];
    private long[] values = new long[FIRST_CAPACITY];
    private int size;

    /**
     * The start of a fingerprint, for {@link #step} and {@link #finish}: a caller that needs the fingerprint of each
     * prefix of a string (each folder above a path) computes them in one pass.
     *
     * @return the state before the first character
     */
    static long start() {
        return SEED;
    }

    /**
     * @param state the state so far
     * @param c the next character
     * @return the state after it
     */
    static long step(long state, char c) {
        return (state ^ c) * 0x100000001b3L;
    }

    /**
     * @param state the state after the last character
     * @return the fingerprint, never 0
     */
    static long finish(long state) {
        long h = state;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }

    /**
     * @param s a string
     * @return its fingerprint, never 0
     */
    static long fingerprint(CharSequence s) {
        long h = start();
        for (int i = 0; i < s.length(); i++) {
            h = step(h, s.charAt(i));
        }
        return finish(h);
    }

    /**
     * Stores a fingerprint with a value, also when the fingerprint is stored already.
     *
     * @param fingerprint from {@link #fingerprint}
     * @param value what the caller needs to check a match
     */
    void add(long fingerprint, long value) {
        if ((size + 1) * 4L > keys.length * 3L) {
            grow();
        }
        insert(keys, values, fingerprint, value);
        size++;
    }

    /**
     * @param fingerprint from {@link #fingerprint}
     * @return whether it is stored, with any value
     */
    boolean contains(long fingerprint) {
        return anyMatch(fingerprint, v -> true);
    }

    /**
     * @param fingerprint from {@link #fingerprint}
     * @param match tells a value stored with the fingerprint that stands for the same string
     * @return whether any value stored with it matches
     */
    boolean anyMatch(long fingerprint, LongPredicate match) {
        int mask = keys.length - 1;
        for (int i = (int) fingerprint & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            if (keys[i] == fingerprint && match.test(values[i])) {
                return true;
            }
        }
        return false;
    }

    /** @return fingerprints stored */
    int size() {
        return size;
    }

    /** Forgets everything, and lets go of the arrays. */
    void clear() {
        keys = new long[FIRST_CAPACITY];
        values = new long[FIRST_CAPACITY];
        size = 0;
    }

    private void grow() {
        long[] k = new long[keys.length * 2];
        long[] v = new long[keys.length * 2];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                insert(k, v, keys[i], values[i]);
            }
        }
        keys = k;
        values = v;
    }

    private static void insert(long[] k, long[] v, long fingerprint, long value) {
        int mask = k.length - 1;
        int i = (int) fingerprint & mask;
        while (k[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        k[i] = fingerprint;
        v[i] = value;
    }
}
