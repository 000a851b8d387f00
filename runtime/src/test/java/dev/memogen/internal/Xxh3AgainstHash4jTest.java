package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memogen.internal.hash.Xxh3Short;
import dev.memogen.internal.hash.Xxh3Stream;
import dev.memogen.internal.store.EntryFormat;
import dev.memogen.internal.store.StoredFunction;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The runtime's XXH3 ({@link Xxh3Stream}) where hash4j was used before it: entry checksums (one
 * pass over an array, and streamed in pieces of any size as a file is read or written), function
 * id hashes (UTF-16LE code units) and code fingerprints (a stream of bytes, ints, longs, strings
 * and byte ranges). Each is compared with what hash4j 0.31.0 computes for the same input, which
 * is what every existing store and fingerprint holds.
 */
class Xxh3AgainstHash4jTest {
    private static final Hasher128 HASH4J = Hashing.xxh3_128();

    private static void same(HashValue128 expected, long high, long low, String what) {
        assertEquals(expected.getMostSignificantBits(), high, what + ": high");
        assertEquals(expected.getLeastSignificantBits(), low, what + ": low");
    }

    private static byte[] random(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void oneShotDigestOfARangeIsHash4jsForEveryLengthAndOffset() {
        SplittableRandom r = new SplittableRandom(1);
        for (int len = 0; len <= 4200; len++) {
            int off = r.nextInt(70);
            byte[] b = random(r, off + len + r.nextInt(70)); // bytes around the range must not count
            Xxh3Stream d = Xxh3Stream.digest(b, off, len);
            same(HASH4J.hashBytesTo128Bits(b, off, len), d.high(), d.low(), "length " + len + " at " + off);
        }
        for (int len : new int[] {65_536, 1 << 20, (1 << 20) + 17, 8 << 20}) {
            byte[] b = random(r, len + 3);
            Xxh3Stream d = Xxh3Stream.digest(b, 3, len);
            same(HASH4J.hashBytesTo128Bits(b, 3, len), d.high(), d.low(), "length " + len);
        }
    }

    @Test
    void checksumMatchesAcceptsHash4jTrailersAndRejectsAnyOtherByte() {
        SplittableRandom r = new SplittableRandom(2);
        for (int body = 0; body <= 1500; body += 1 + r.nextInt(9)) {
            byte[] entry = random(r, body + EntryFormat.CHECKSUM_BYTES + 5);
            HashValue128 sum = HASH4J.hashBytesTo128Bits(entry, 0, body);
            Xxh3Short.LONG.set(entry, body, sum.getMostSignificantBits());
            Xxh3Short.LONG.set(entry, body + 8, sum.getLeastSignificantBits());
            int length = body + EntryFormat.CHECKSUM_BYTES;
            assertTrue(EntryFormat.checksumMatches(entry, length), "body of " + body);
            int flip = r.nextInt(length);
            entry[flip] ^= (byte) (1 << r.nextInt(8));
            assertTrue(!EntryFormat.checksumMatches(entry, length), "byte " + flip + " of " + length + " changed");
        }
    }

    /** Feeds {@code b} to a stream in random pieces: 0..2 bytes, a few, hundreds, or large. */
    private static void inPieces(Xxh3Stream s, byte[] b, SplittableRandom r, int largest) {
        for (int at = 0; at < b.length; ) {
            int piece = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(3);
                case 1 -> r.nextInt(70);
                case 2 -> r.nextInt(1100);
                default -> r.nextInt(largest + 1);
            };
            piece = Math.min(piece, b.length - at);
            s.putBytes(b, at, piece);
            at += piece;
        }
    }

    @Test
    void aChecksumStreamedInAnyPiecesIsHash4jsOneShot() {
        SplittableRandom r = new SplittableRandom(3);
        Xxh3Stream s = new Xxh3Stream();
        for (int len = 0; len <= 4200; len++) {
            byte[] b = random(r, len);
            s.reset();
            inPieces(s, b, r, 4200);
            s.finish();
            same(HASH4J.hashBytesTo128Bits(b), s.high(), s.low(), "length " + len);
        }
        // Pieces as FileStore reads and writes them; the way a fresh JVM hashes large pieces (through
        // the doubles kernel), then the way a warm one does.
        for (boolean cold : new boolean[] {true, false}) {
            Xxh3Stream.coldBytes(cold ? Long.MAX_VALUE : 0);
            for (int len : new int[] {(1 << 20) + 1, (8 << 20) + 100}) {
                byte[] b = random(r, len);
                for (int piece : new int[] {64 << 10, 256 << 10, 1 + r.nextInt(1 << 20)}) {
                    s.reset();
                    for (int at = 0; at < len; at += piece) {
                        s.putBytes(b, at, Math.min(piece, len - at));
                    }
                    s.finish();
                    same(HASH4J.hashBytesTo128Bits(b), s.high(), s.low(),
                            len + " bytes in pieces of " + piece + (cold ? ", cold" : ", warm"));
                }
                s.reset();
                inPieces(s, b, r, 1 << 20);
                s.finish();
                same(HASH4J.hashBytesTo128Bits(b), s.high(), s.low(), len + " bytes in random pieces");
            }
        }
    }

    private static String randomString(SplittableRandom r, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = switch (r.nextInt(4)) {
                case 0 -> (char) (' ' + r.nextInt(95));
                case 1 -> (char) (0x80 + r.nextInt(0x780));
                case 2 -> (char) r.nextInt(0x10000); // lone surrogates too: code units are hashed
                default -> (char) ('a' + r.nextInt(26));
            };
        }
        return new String(c);
    }

    @Test
    void functionIdHashIsHash4jsHashOfTheIdsChars() {
        SplittableRandom r = new SplittableRandom(4);
        for (int len = 0; len <= 2200; len++) {
            String id = randomString(r, len);
            assertEquals(HASH4J.hashCharsTo128Bits(id).getMostSignificantBits(), StoredFunction.idHash(id), "length " + len);
        }
        String id = "com.acme.Spectra#smooth(double[],int)";
        assertEquals(HASH4J.hashCharsTo128Bits(id).getMostSignificantBits(), StoredFunction.idHash(id));
        // EntryFormat.functionHashOf hashes the id's bytes as an entry header holds them.
        byte[] utf16 = new byte[2 * id.length() + 9];
        for (int i = 0; i < id.length(); i++) {
            utf16[9 + 2 * i] = (byte) id.charAt(i);
            utf16[9 + 2 * i + 1] = (byte) (id.charAt(i) >>> 8);
        }
        assertEquals(StoredFunction.idHash(id), Xxh3Stream.digest(utf16, 9, 2 * id.length()).high());
    }

    /**
     * Random sequences of the writes {@link CodeFingerprint} makes, to both streams: bytes, ints,
     * longs, strings (their chars) and byte ranges; streams of every length through several
     * blocks, so that every write falls across stripe, block and buffer boundaries.
     */
    @Test
    void aFingerprintStreamIsHash4jsStreamFedTheSameWrites() {
        SplittableRandom r = new SplittableRandom(5);
        Xxh3Stream ours = new Xxh3Stream();
        for (int round = 0; round < 3000; round++) {
            HashStream128 theirs = HASH4J.hashStream();
            ours.reset();
            int target = round < 2000 ? round * 3 : r.nextInt(200_000);
            long written = 0;
            while (written < target) {
                switch (r.nextInt(6)) {
                    case 0 -> {
                        byte v = (byte) r.nextInt();
                        ours.int8(v);
                        theirs.putByte(v);
                        written += 1;
                    }
                    case 1 -> {
                        int v = r.nextInt();
                        ours.int32(v);
                        theirs.putInt(v);
                        written += 4;
                    }
                    case 2 -> {
                        long v = r.nextLong();
                        ours.int64(v);
                        theirs.putLong(v);
                        written += 8;
                    }
                    case 3 -> {
                        String s = randomString(r, r.nextInt(r.nextInt(8) == 0 ? 5000 : 40));
                        ours.int32(s.length());
                        ours.putChars(s);
                        theirs.putInt(s.length()).putChars(s);
                        written += 4 + 2L * s.length();
                    }
                    default -> {
                        byte[] b = random(r, r.nextInt(r.nextInt(8) == 0 ? 70_000 : 30));
                        int off = b.length == 0 ? 0 : r.nextInt(b.length);
                        int len = r.nextInt(b.length - off + 1);
                        ours.putBytes(b, off, len);
                        theirs.putBytes(b, off, len);
                        written += len;
                    }
                }
            }
            assertEquals(written, ours.length());
            ours.finish();
            same(theirs.get(), ours.high(), ours.low(), "round " + round + ", " + written + " bytes");
        }
    }
}
