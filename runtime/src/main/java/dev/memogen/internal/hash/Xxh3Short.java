package dev.memogen.internal.hash;

/**
 * XXH3-128 (seed 0, default secret) for inputs of at most {@value #MAX} bytes (XXH3's short and mid-size paths), written for the
 * hit path: no allocation, small enough to inline. Longer inputs go through {@link Xxh3Stream}
 * (XXH3's long-input path), which shares the secret and helpers below; tests check both
 * against hash4j's XXH3-128 for every length, so which one hashed a key never matters.
 */
public final class Xxh3Short {
    static final int MAX = 240;

    private Xxh3Short() {}

    public static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    // The default secret of XXH3 (192 bytes), as little-endian words.
    private static final long S00 = 0xbe4ba423396cfeb8L;
    private static final long S01 = 0x1cad21f72c81017cL;
    private static final long S02 = 0xdb979083e96dd4deL;
    private static final long S03 = 0x1f67b3b7a4a44072L;
    private static final long S04 = 0x78e5c0cc4ee679cbL;
    private static final long S05 = 0x2172ffcc7dd05a82L;
    private static final long S06 = 0x8e2443f7744608b8L;
    private static final long S07 = 0x4c263a81e69035e0L;
    private static final long S08 = 0xcb00c391bb52283cL;
    private static final long S09 = 0xa32e531b8b65d088L;
    private static final long S10 = 0x4ef90da297486471L;
    private static final long S11 = 0xd8acdea946ef1938L;
    private static final long S12 = 0x3f349ce33f76faa8L;
    private static final long S13 = 0x1d4f0bc7c7bbdcf9L;
    private static final long S14 = 0x3159b4cd4be0518aL;
    private static final long S15 = 0x647378d9c97e9fc8L;

    /** The whole default secret, for the mid-size path, which reads it at unaligned offsets. */
    static final byte[] SECRET = secret(S00, S01, S02, S03, S04, S05, S06, S07, S08, S09, S10, S11, S12,
            S13, S14, S15, 0xc3ebd33483acc5eaL, 0xeb6313faffa081c5L, 0x49daf0b751dd0d17L, 0x9e68d429265516d3L,
            0xfca1477d58be162bL, 0xce31d07ad1b8f88fL, 0x280416958f3acb45L, 0x7e404bbbcafbd7afL);

    private static byte[] secret(long... words) {
        byte[] b = new byte[8 * words.length];
        for (int i = 0; i < words.length; i++) {
            LONG.set(b, 8 * i, words[i]);
        }
        return b;
    }

    static final long P32_2 = 0x85EBCA77L;
    static final long P64_1 = 0x9E3779B185EBCA87L;
    static final long P64_2 = 0xC2B2AE3D27D4EB4FL;
    static final long P64_3 = 0x165667B19E3779F9L;
    static final long P64_4 = 0x85EBCA77C2B2AE63L;
    static final long MX1 = 0x165667919E3779F9L;
    static final long MX2 = 0x9FB21C651E98DF25L;

    /** Digests {@code b[0..len)}; stores the high half in {@code out.high}, the low half in {@code out.low}. */
    static void hash(byte[] b, int len, Xxh3Stream out) {
        if (len <= 16) {
            long s0 = len >= 8 ? r64(b, 0) : partial(b, 0, len);
            long s1 = len >= 16 ? r64(b, 8) : len > 8 ? partial(b, 8, len - 8) : 0;
            out.setDigest(packedHigh(s0, s1, len), packedLow(s0, s1, len));
        } else if (len <= 128) {
            len17to128(b, len, out);
        } else {
            len129to240(b, len, out);
        }
    }

    private static void len129to240(byte[] b, int len, Xxh3Stream out) {
        long accLo = len * P64_1;
        long accHi = 0;
        for (int i = 32; i < 160; i += 32) {
            long lo1 = mix16s(b, i - 32, i - 32);
            long hi1 = mix16s(b, i - 16, i - 16);
            accLo += lo1;
            accLo ^= r64(b, i - 16) + r64(b, i - 8);
            accHi += hi1;
            accHi ^= r64(b, i - 32) + r64(b, i - 24);
        }
        accLo = avalanche3(accLo);
        accHi = avalanche3(accHi);
        for (int i = 160; i <= len; i += 32) {
            int secretAt = 3 + i - 160;
            accLo += mix16s(b, i - 32, secretAt);
            accLo ^= r64(b, i - 16) + r64(b, i - 8);
            accHi += mix16s(b, i - 16, secretAt + 16);
            accHi ^= r64(b, i - 32) + r64(b, i - 24);
        }
        // The last 32 bytes, input halves swapped, secret at 136 - 17 - 16.
        accLo += mix16s(b, len - 16, 103);
        accLo ^= r64(b, len - 32) + r64(b, len - 24);
        accHi += mix16s(b, len - 32, 119);
        accHi ^= r64(b, len - 16) + r64(b, len - 8);
        long low = accLo + accHi;
        long high = accLo * P64_1 + accHi * P64_4 + len * P64_2;
        out.setDigest(-avalanche3(high), avalanche3(low));
    }

    /** XXH3's mix16B with the secret read at {@code secretAt}. */
    private static long mix16s(byte[] b, int i, int secretAt) {
        long x = r64(b, i) ^ r64(SECRET, secretAt);
        long y = r64(b, i + 8) ^ r64(SECRET, secretAt + 8);
        return x * y ^ unsignedMultiplyHigh(x, y);
    }

    static long r64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    private static long partial(byte[] b, int from, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[from + i] & 0xff);
        }
        return v;
    }

    /**
     * The high half of XXH3-128 of a stream of {@code len <= 16} bytes given as two
     * little-endian words ({@code s0} = bytes 0..7, {@code s1} = bytes 8..15, unused bytes zero).
     * Generated code packs short argument lists of primitives this way and calls this and
     * {@link #packedLow}; both are pure, so the JIT computes their common part once.
     */
    public static long packedHigh(long s0, long s1, int len) {
        if (len > 8) {
            long inputHi = word(s0, s1, len - 8);
            long mLo = m9to16Lo(s0, inputHi, len);
            long mHi = m9to16Hi(s0, inputHi, len);
            mLo ^= Long.reverseBytes(mHi);
            return avalanche3(unsignedMultiplyHigh(mLo, P64_2) + mHi * P64_2);
        }
        if (len >= 4) {
            long keyed = keyed4to8(s0, len);
            long m = P64_1 + ((long) len << 2);
            return avalanche3(unsignedMultiplyHigh(keyed, m) + ((keyed * m) << 1));
        }
        if (len > 0) {
            int combinedl = combined1to3(s0, len);
            int combinedh = Integer.rotateLeft(Integer.reverseBytes(combinedl), 13);
            return avalanche64((combinedh & 0xffffffffL) ^ ((S01 ^ (S01 >>> 32)) & 0xffffffffL));
        }
        return avalanche64(S10 ^ S11);
    }

    /** The low half; see {@link #packedHigh}. */
    public static long packedLow(long s0, long s1, int len) {
        if (len > 8) {
            long inputHi = word(s0, s1, len - 8);
            long mLo = m9to16Lo(s0, inputHi, len);
            long mHi = m9to16Hi(s0, inputHi, len);
            mLo ^= Long.reverseBytes(mHi);
            return avalanche3(mLo * P64_2);
        }
        if (len >= 4) {
            long keyed = keyed4to8(s0, len);
            long m = P64_1 + ((long) len << 2);
            long lo = keyed * m;
            long hi = unsignedMultiplyHigh(keyed, m) + (lo << 1);
            lo ^= hi >>> 3;
            lo ^= lo >>> 35;
            lo *= MX2;
            return lo ^ (lo >>> 28);
        }
        if (len > 0) {
            return avalanche64((combined1to3(s0, len) & 0xffffffffL) ^ ((S00 ^ (S00 >>> 32)) & 0xffffffffL));
        }
        return avalanche64(S08 ^ S09);
    }

    /** The eight bytes at {@code offset} (0..8) of the packed stream. */
    private static long word(long s0, long s1, int offset) {
        if (offset == 0) {
            return s0;
        }
        if (offset == 8) {
            return s1; // a shift by 64 would be a shift by 0 in Java
        }
        return (s0 >>> (8 * offset)) | (s1 << (64 - 8 * offset));
    }

    private static long m9to16Lo(long inputLo, long inputHi, int len) {
        return (inputLo ^ inputHi ^ (S04 ^ S05)) * P64_1 + ((long) (len - 1) << 54);
    }

    @SuppressWarnings("UnusedVariable") // len: the same signature as m9to16Lo, as in the reference
    private static long m9to16Hi(long inputLo, long inputHi, int len) {
        long x = inputLo ^ inputHi ^ (S04 ^ S05);
        long hi = inputHi ^ (S06 ^ S07);
        return unsignedMultiplyHigh(x, P64_1) + hi + (hi & 0xffffffffL) * (P32_2 - 1);
    }

    private static long keyed4to8(long s0, int len) {
        long inputLo = s0 & 0xffffffffL;
        long inputHi = (s0 >>> (8 * (len - 4))) & 0xffffffffL;
        return (inputLo + (inputHi << 32)) ^ (S02 ^ S03);
    }

    private static int combined1to3(long s0, int len) {
        int c1 = (int) s0 & 0xff;
        int c2 = (int) (s0 >>> (8 * (len >> 1))) & 0xff;
        int c3 = (int) (s0 >>> (8 * (len - 1))) & 0xff;
        return (c1 << 16) | (c2 << 24) | c3 | (len << 8);
    }

    private static void len17to128(byte[] b, int len, Xxh3Stream out) {
        long accLo = len * P64_1;
        long accHi = 0;
        if (len > 32) {
            if (len > 64) {
                if (len > 96) {
                    accLo += mix16(b, 48, S12, S13);
                    accLo ^= r64(b, len - 64) + r64(b, len - 56);
                    accHi += mix16(b, len - 64, S14, S15);
                    accHi ^= r64(b, 48) + r64(b, 56);
                }
                accLo += mix16(b, 32, S08, S09);
                accLo ^= r64(b, len - 48) + r64(b, len - 40);
                accHi += mix16(b, len - 48, S10, S11);
                accHi ^= r64(b, 32) + r64(b, 40);
            }
            accLo += mix16(b, 16, S04, S05);
            accLo ^= r64(b, len - 32) + r64(b, len - 24);
            accHi += mix16(b, len - 32, S06, S07);
            accHi ^= r64(b, 16) + r64(b, 24);
        }
        accLo += mix16(b, 0, S00, S01);
        accLo ^= r64(b, len - 16) + r64(b, len - 8);
        accHi += mix16(b, len - 16, S02, S03);
        accHi ^= r64(b, 0) + r64(b, 8);
        long low = accLo + accHi;
        long high = accLo * P64_1 + accHi * P64_4 + len * P64_2;
        out.setDigest(-avalanche3(high), avalanche3(low));
    }

    private static long mix16(byte[] b, int i, long s0, long s1) {
        long x = r64(b, i) ^ s0;
        long y = r64(b, i + 8) ^ s1;
        return x * y ^ unsignedMultiplyHigh(x, y);
    }

    static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    private static long avalanche64(long h) {
        h ^= h >>> 33;
        h *= P64_2;
        h ^= h >>> 29;
        h *= P64_3;
        return h ^ (h >>> 32);
    }

    static long avalanche3(long h) {
        h ^= h >>> 37;
        h *= MX1;
        return h ^ (h >>> 32);
    }
}
