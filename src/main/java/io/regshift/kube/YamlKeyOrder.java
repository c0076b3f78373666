package io.regshift.kube;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The order in which go-yaml v2 writes mapping keys: not plain string order but its "natural"
 * order (sorter.go), where digit runs compare by value ({@code a2 < a10}) and a letter sorts
 * after any non-letter ({@code a_b < aB}).
 */
final class YamlKeyOrder {
    /** Go's sort.Sort sorts this few keys by plain insertion sort, so any comparator gives the same result. */
    private static final int INSERTION_SORT_LIMIT = 12;

    /** Code points of the two keys being compared, reused so comparing allocates nothing. */
    private int[] ar = new int[64];
    private int[] br = new int[64];

    /** Mapping keys are distinct, so one direction of {@code less} settles the order. */
    private final Comparator<String> natural = (a, b) -> a.equals(b) ? 0 : less(a, b) ? -1 : 1;

    /** Sorts in place; one instance per thread, since it keeps scratch buffers. */
    void sort(String[] keys) {
        if (keys.length <= INSERTION_SORT_LIMIT) {
            insertionSort(keys);
            return;
        }
        try {
            Arrays.sort(keys, natural);
        } catch (IllegalArgumentException inconsistentOrder) {
            // The natural order is not transitive for every key set; never fail over it.
            insertionSort(keys);
        }
    }

    private void insertionSort(String[] keys) {
        for (int i = 1; i < keys.length; i++) {
            for (int j = i; j > 0 && less(keys[j], keys[j - 1]); j--) {
                String t = keys[j];
                keys[j] = keys[j - 1];
                keys[j - 1] = t;
            }
        }
    }

    /** go-yaml v2's keyList.Less for two string keys, over code points (Go compares runes). */
    boolean less(String a, String b) {
        ar = atLeast(ar, a.length());
        br = atLeast(br, b.length());
        return less(ar, fill(a, ar), br, fill(b, br));
    }

    private static int[] atLeast(int[] buffer, int size) {
        return buffer.length >= size ? buffer : new int[size];
    }

    /** Writes the code points of {@code s} into {@code out}; returns how many. */
    private static int fill(String s, int[] out) {
        int n = 0;
        for (int k = 0; k < s.length(); ) {
            int c = s.codePointAt(k);
            out[n++] = c;
            k += Character.charCount(c);
        }
        return n;
    }

    private static boolean less(int[] ar, int alen, int[] br, int blen) {
        for (int i = 0; i < alen && i < blen; i++) {
            if (ar[i] == br[i]) {
                continue;
            }
            boolean al = Character.isLetter(ar[i]);
            boolean bl = Character.isLetter(br[i]);
            if (al && bl) {
                return ar[i] < br[i];
            }
            if (al || bl) {
                return bl;
            }
            long an = 0;
            long bn = 0;
            if (ar[i] == '0' || br[i] == '0') {
                // Inside a number that already has a non-zero digit, a zero is an ordinary digit.
                for (int j = i - 1; j >= 0 && Character.isDigit(ar[j]); j--) {
                    if (ar[j] != '0') {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            int ai = i;
            while (ai < alen && Character.isDigit(ar[ai])) {
                an = an * 10 + (ar[ai] - '0');
                ai++;
            }
            int bi = i;
            while (bi < blen && Character.isDigit(br[bi])) {
                bn = bn * 10 + (br[bi] - '0');
                bi++;
            }
            if (an != bn) {
                return an < bn;
            }
            if (ai != bi) {
                return ai < bi;
            }
            return ar[i] < br[i];
        }
        return alen < blen;
    }
}
