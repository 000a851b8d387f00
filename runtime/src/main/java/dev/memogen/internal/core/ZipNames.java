package dev.memogen.internal.core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Whether a jar of the class path holds an entry, told from its central directory alone: the
 * names are searched in one pass ({@code String.indexOf} over the directory read as Latin-1) and
 * each match checked to be a whole name. What the JDK's class loader would do to answer the same
 * question, open the jar as a {@code JarFile}, costs far more in a fresh JVM: it hashes every name
 * into a table and reads and searches the manifest for {@code Multi-Release}; with 80 dependency
 * jars that was 60 ms of a fresh JVM's first store read (measured), paid by every run of a program
 * with many dependencies.
 *
 * <p>The class loader also reads the jars a jar's manifest names ({@code Class-Path}); such a jar
 * is answered {@link #UNKNOWN}, with the attribute's value for the caller to follow
 * ({@link #classPath()}). So is anything this reader does not handle, without a value, and the
 * caller asks the class loader: no end record where it should be (bytes after it), ZIP64, a
 * directory over {@value #MAX_DIRECTORY} bytes, a manifest stored other than plainly or deflated,
 * a main section not ended within {@value #MAX_MAIN_SECTION} bytes, a {@code Class-Path} not read
 * here as the JDK reads it. The bytes are read as untrusted: every length and offset is checked
 * before use.
 */
final class ZipNames {
    /**
     * The bytes read last, reused from zip to zip: a fresh array per directory would cost its
     * pages anew each time (page faults were a fifth of the time over 80 jars, measured).
     */
    private byte[] buffer = new byte[1 << 16];
    private ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
    /** The {@code Class-Path} of the zip {@link #find} answered last, when that is why it answered {@link #UNKNOWN}. */
    private String classPath;

    /**
     * The value of the {@code Class-Path} attribute of the zip that {@link #find} last answered
     * {@link #UNKNOWN} for, as the JDK's {@code Manifest} reads it (continuation lines joined,
     * UTF-8); {@code null} when that answer had another reason, or the attribute could not be read
     * here.
     */
    String classPath() {
        return classPath;
    }

    /** The answers of {@link #holds}. */
    static final int NO = 0, YES = 1, UNKNOWN = -1;

    static final int MAX_DIRECTORY = 16 << 20;
    static final int MAX_MAIN_SECTION = 4 << 20;

    private static final int END_SIG = 0x06054b50, CEN_SIG = 0x02014b50, LOC_SIG = 0x04034b50;
    private static final int END_SIZE = 22, CEN_SIZE = 46, LOC_SIZE = 30;
    private static final String MANIFEST = "META-INF/MANIFEST.MF";

    /**
     * Whether the zip file {@code zip} holds an entry named {@code name} (or a directory entry of
     * that name), {@link #NO}, or {@link #UNKNOWN} (see the class comment), including when it
     * cannot be read.
     */
    static int holds(Path zip, String name) {
        return new ZipNames().find(zip, name);
    }

    /** How many times {@link #find} was asked about a zip (each opens it): for tests. */
    static int opened;

    /** {@link #holds}, with this reader's buffer: for many zips in turn. */
    int find(Path zip, String name) {
        opened++;
        classPath = null;
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            return find(ch, name);
        } catch (IOException | RuntimeException | DataFormatException e) {
            return UNKNOWN;
        }
    }

    private int find(FileChannel ch, String name) throws IOException, DataFormatException {
        long size = ch.size();
        // the end record is nearly always the last 22 bytes (no comment): read only those first
        int tail = (int) Math.min(size, END_SIZE);
        ByteBuffer b = read(ch, size - tail, tail);
        if (tail != END_SIZE || b.getInt(0) != END_SIG || u16(b, 20) != 0) {
            tail = (int) Math.min(size, END_SIZE + 0xFFFF);
            b = read(ch, size - tail, tail);
        }
        int end = -1;
        for (int i = tail - END_SIZE; i >= 0; i--) {
            if (b.get(i) == 0x50 && b.getInt(i) == END_SIG && i + END_SIZE + u16(b, i + 20) == tail) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return UNKNOWN; // not a zip, or bytes after its end record
        }
        long entries = u16(b, end + 10);
        long dirSize = u32(b, end + 12);
        long dirOffset = u32(b, end + 16);
        long endAt = size - tail + end;
        if (entries == 0xFFFF || dirSize == 0xFFFFFFFFL || dirOffset == 0xFFFFFFFFL || dirSize > endAt || dirSize > MAX_DIRECTORY) {
            return UNKNOWN; // ZIP64, or lengths that do not fit
        }
        long dirAt = endAt - dirSize;
        long base = dirAt - dirOffset; // bytes before the zip (a launcher script), as the JDK allows
        if (base < 0) {
            return UNKNOWN;
        }
        int n = (int) dirSize;
        ByteBuffer dir = read(ch, dirAt, n);
        String names = new String(dir.array(), 0, n, StandardCharsets.ISO_8859_1);
        if (header(dir, names, name, true) >= 0) {
            return YES;
        }
        int manifest = header(dir, names, MANIFEST, false);
        if (manifest < 0) {
            // a jar's manifest is found whatever the case of its name: one named otherwise could
            // still give a Class-Path
            return names.toUpperCase(java.util.Locale.ROOT).contains(MANIFEST) ? UNKNOWN : NO;
        }
        int flags = u16(dir, manifest + 8);
        int method = u16(dir, manifest + 10);
        long compressed = u32(dir, manifest + 20);
        long local = base + u32(dir, manifest + 42);
        if ((flags & 1) != 0 || method != 0 && method != 8 || local + LOC_SIZE > dirAt) {
            return UNKNOWN; // encrypted, another method, or outside the zip
        }
        return manifestClassPath(ch, local, method, compressed, dirAt) ? UNKNOWN : NO;
    }

    /**
     * The offset in {@code dir} of the central header whose whole name is {@code name} (or
     * {@code name + "/"} when {@code orDirectory}), or -1.
     */
    private static int header(ByteBuffer dir, String names, String name, boolean orDirectory) {
        int n = names.length();
        for (int at = names.indexOf(name); at >= 0; at = names.indexOf(name, at + 1)) {
            int h = at - CEN_SIZE;
            if (h < 0 || dir.getInt(h) != CEN_SIG) {
                continue;
            }
            int length = u16(dir, h + 28);
            if (length == name.length()
                    || orDirectory && length == name.length() + 1 && at + length <= n && names.charAt(at + name.length()) == '/') {
                return h;
            }
        }
        return -1;
    }

    /**
     * Whether the manifest at {@code local} (a local header) may name other jars: its main section
     * has a {@code Class-Path} (then kept in {@link #classPath} when it reads as the JDK reads it),
     * or could not be read whole within {@value #MAX_MAIN_SECTION} bytes.
     */
    private boolean manifestClassPath(FileChannel ch, long local, int method, long compressed, long limit)
            throws IOException, DataFormatException {
        ByteBuffer h = read(ch, local, LOC_SIZE);
        if (h.getInt(0) != LOC_SIG) {
            return true;
        }
        long data = local + LOC_SIZE + u16(h, 26) + u16(h, 28);
        long available = Math.min(compressed, limit - data);
        if (available < 0) {
            return true;
        }
        int want = (int) Math.min(available, MAX_MAIN_SECTION);
        byte[] raw = read(ch, data, want).array(); // this reader's buffer: the directory is not needed again
        if (method == 0) {
            return mainSection(raw, want, want == compressed) != NO;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(raw, 0, want);
            byte[] text = new byte[4096];
            int length = 0;
            while (true) {
                int got = inflater.inflate(text, length, text.length - length);
                length += got;
                int found = mainSection(text, length, inflater.finished());
                if (found != UNKNOWN) {
                    return found == YES;
                }
                if (length == text.length) {
                    if (length >= MAX_MAIN_SECTION) {
                        return true;
                    }
                    text = java.util.Arrays.copyOf(text, length * 2);
                } else if (got == 0) {
                    return true; // cut short (or a dictionary asked for): cannot tell
                }
            }
        } finally {
            inflater.end();
        }
    }

    /**
     * The main section of the manifest in the first {@code length} bytes ({@code whole}: all of
     * it): {@link #NO} when it ends (an empty line, or the manifest's end) with no {@code Class-Path}
     * attribute (names are case-insensitive); {@link #YES} when it has one, with its value left in
     * {@link #classPath} as {@code java.util.jar.Manifest} reads it (the text after {@code ": "},
     * continuation lines joined, UTF-8, the last one where the name is repeated), or when it has
     * what this does not read as the JDK does, with {@link #classPath} left {@code null}: a line
     * ended by a lone CR, a continuation line of no attribute or a {@code Class-Path} without the
     * space after its colon (the JDK's reading fails on both); {@link #UNKNOWN} when its end is
     * not within what was read. Lines are found with {@code String.indexOf}, not byte by byte: the
     * main section of an OSGi bundle's manifest can be hundreds of kilobytes of package lists.
     */
    int mainSection(byte[] bytes, int length, boolean whole) {
        classPath = null;
        String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        StringBuilder value = null;
        boolean continuing = false; // the line before was (part of) a Class-Path
        boolean named = false; // an attribute seen
        boolean ended = false;
        int cr = -1; // the next CR at or after i, once looked for
        int i = 0;
        while (i < length) {
            int lf = text.indexOf('\n', i);
            if (lf < 0 && !whole) {
                return UNKNOWN; // a line not read whole
            }
            int eol = lf < 0 ? length : lf;
            if (cr < i) {
                cr = text.indexOf('\r', i);
                cr = cr < 0 ? Integer.MAX_VALUE : cr;
            }
            if (cr < eol) {
                if (cr + 1 < length && cr + 1 != lf) {
                    return YES; // a line ended by a lone CR: not read here, so it may name jars
                }
                eol = cr;
            }
            if (eol == i) {
                ended = true; // an empty line ends the main section
                break;
            }
            if (text.charAt(i) == ' ') {
                if (!named) {
                    return YES;
                }
                if (continuing) {
                    value.append(text, i + 1, eol);
                }
            } else {
                named = true;
                char first = text.charAt(i);
                continuing = (first == 'C' || first == 'c') && i + 11 <= eol && text.regionMatches(true, i, "Class-Path:", 0, 11);
                if (continuing) {
                    if (i + 11 == eol || text.charAt(i + 11) != ' ') {
                        return YES;
                    }
                    value = new StringBuilder().append(text, i + 12, eol);
                }
            }
            i = lf < 0 ? length : lf + 1;
        }
        if (!ended && !whole) {
            return UNKNOWN; // more lines of the section may follow
        }
        if (value == null) {
            return NO;
        }
        classPath = new String(value.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return YES;
    }

    /** {@code n} bytes at {@code at} into this reader's buffer (from its start), which it returns. */
    private ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        if (buffer.length < n) {
            buffer = new byte[Math.max(n, buffer.length * 2)];
            view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException();
            }
        }
        return view;
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFFFFFFL;
    }
}
