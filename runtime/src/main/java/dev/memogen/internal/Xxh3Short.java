package dev.memogen.internal;

/**
 * XXH3-128 (seed 0, default secret) for inputs of at most {@value #MAX} bytes, written for the
 * hit path: no allocation, small enough to inline. Inputs that are longer go through hash4j's
 * streaming XXH3; both give the same digests (checked for every length in tests), so which one
 * hashed a key never matters.
 */
final class Xxh3Short {
    static final int MAX = 128;

    private Xxh3Short() {}

    // The default secret of XXH3 (the first 128 of its 192 bytes), as little-endian words.
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

    private static final long P32_1 = 0x9E3779B1L;
    private static final long P32_2 = 0x85EBCA77L;
    private static final long P64_1 = 0x9E3779B185EBCA87L;
    private static final long P64_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P64_3 = 0x165667B19E3779F9L;
    private static final long P64_4 = 0x85EBCA77C2B2AE63L;
    private static final long MX1 = 0x165667919E3779F9L;
    private static final long MX2 = 0x9FB21C651E98DF25L;

    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Digests {@code b[0..len)}; stores the high half in {@code out.high}, the low half in {@code out.low}. */
    static void hash(byte[] b, int len, KeyHasher out) {
        if (len <= 16) {
            if (len > 8) {
                len9to16(b, len, out);
            } else if (len >= 4) {
                len4to8(b, len, out);
            } else if (len > 0) {
                len1to3(b, len, out);
            } else {
                out.setDigest(avalanche64(S10 ^ S11), avalanche64(S08 ^ S09));
            }
        } else {
            len17to128(b, len, out);
        }
    }

    private static long r64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    private static long r32(byte[] b, int i) {
        return (int) INT.get(b, i) & 0xffffffffL;
    }

    private static void len1to3(byte[] b, int len, KeyHasher out) {
        int c1 = b[0] & 0xff;
        int c2 = b[len >> 1] & 0xff;
        int c3 = b[len - 1] & 0xff;
        int combinedl = (c1 << 16) | (c2 << 24) | c3 | (len << 8);
        int combinedh = Integer.rotateLeft(Integer.reverseBytes(combinedl), 13);
        long bitflipl = ((S00 ^ (S00 >>> 32)) & 0xffffffffL);
        long bitfliph = ((S01 ^ (S01 >>> 32)) & 0xffffffffL);
        long low = avalanche64((combinedl & 0xffffffffL) ^ bitflipl);
        long high = avalanche64((combinedh & 0xffffffffL) ^ bitfliph);
        out.setDigest(high, low);
    }

    private static void len4to8(byte[] b, int len, KeyHasher out) {
        long inputLo = r32(b, 0);
        long inputHi = r32(b, len - 4);
        long input64 = inputLo + (inputHi << 32);
        long keyed = input64 ^ (S02 ^ S03);
        long m = P64_1 + ((long) len << 2);
        long lo = keyed * m;
        long hi = unsignedMultiplyHigh(keyed, m);
        hi += lo << 1;
        lo ^= hi >>> 3;
        lo ^= lo >>> 35;
        lo *= MX2;
        lo ^= lo >>> 28;
        out.setDigest(avalanche3(hi), lo);
    }

    private static void len9to16(byte[] b, int len, KeyHasher out) {
        long bitflipl = S04 ^ S05;
        long bitfliph = S06 ^ S07;
        long inputLo = r64(b, 0);
        long inputHi = r64(b, len - 8);
        long x = inputLo ^ inputHi ^ bitflipl;
        long mLo = x * P64_1;
        long mHi = unsignedMultiplyHigh(x, P64_1);
        mLo += (long) (len - 1) << 54;
        inputHi ^= bitfliph;
        mHi += inputHi + (inputHi & 0xffffffffL) * (P32_2 - 1);
        mLo ^= Long.reverseBytes(mHi);
        long hLo = mLo * P64_2;
        long hHi = unsignedMultiplyHigh(mLo, P64_2) + mHi * P64_2;
        out.setDigest(avalanche3(hHi), avalanche3(hLo));
    }

    private static void len17to128(byte[] b, int len, KeyHasher out) {
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

    private static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    private static long avalanche64(long h) {
        h ^= h >>> 33;
        h *= P64_2;
        h ^= h >>> 29;
        h *= P64_3;
        return h ^ (h >>> 32);
    }

    private static long avalanche3(long h) {
        h ^= h >>> 37;
        h *= MX1;
        return h ^ (h >>> 32);
    }
}
