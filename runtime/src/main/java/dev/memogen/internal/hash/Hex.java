package dev.memogen.internal.hash;

/** Lower-case hexadecimal text of 64-bit words, as digests and store file names are written. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /** The 16 digits of {@code v}. */
    public static String of(long v) {
        char[] digits = new char[16];
        put(digits, 0, v);
        return new String(digits);
    }

    /** Writes the 16 digits of {@code v} into {@code into} from {@code at}. */
    public static void put(char[] into, int at, long v) {
        for (int i = 15; i >= 0; i--) {
            into[at + i] = DIGITS[(int) v & 0xF];
            v >>>= 4;
        }
    }

    /**
     * The value of exactly {@code digits} hexadecimal digits, or 0 for anything else (a name
     * found in the store that is not one of its own).
     */
    public static long parse(String s, int digits) {
        if (s.length() != digits) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
