package dev.memogen.internal;

import dev.memogen.internal.core.Problems;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a thread writes to {@code System.out} and {@code System.err} while it computes a
 * method marked {@code @Memo(replayOutput = true)}, so that hits can write it again
 * ({@link Recorded#replay()}).
 *
 * <p>The first such computation of the JVM replaces {@code System.out} and {@code System.err} by
 * streams that pass every byte on to the streams they replace, at once and unchanged, and also
 * hand the bytes a recording thread writes to its recordings (nested computations each record
 * what was written while they ran). Other threads' output only passes through. A program that
 * sets its own {@code System.out} afterwards is no longer recorded.
 *
 * <p>Not part of the public API.
 */
final class OutputCapture {
    private OutputCapture() {}

    /** Recorded output beyond this many bytes per computation is written but not kept for replay. */
    static final int LIMIT = 16 << 20;

    /** The recordings of the current thread, outermost first; null or empty when it records nothing. */
    private static final ThreadLocal<ArrayList<Recording>> ACTIVE = new ThreadLocal<>();

    /** Starts recording the current thread's output, for the computation of {@code functionId}. */
    static Recording start(String functionId) {
        install();
        ArrayList<Recording> active = ACTIVE.get();
        if (active == null) {
            active = new ArrayList<>(2);
            ACTIVE.set(active);
        }
        Recording r = new Recording(functionId);
        active.add(r);
        return r;
    }

    /** Puts the recording streams in place of {@code System.out} and {@code System.err}, once. */
    private static synchronized void install() {
        if (!(System.out instanceof Recorder)) {
            System.setOut(new Recorder(System.out, false));
        }
        if (!(System.err instanceof Recorder)) {
            System.setErr(new Recorder(System.err, true));
        }
    }

    /** What one computation wrote: chunks of consecutive bytes to one stream, in order. */
    static final class Recording {
        private final String functionId;
        private final List<Recorded.Chunk> chunks = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean pendingErr;
        private long size;
        private boolean stopped;

        private Recording(String functionId) {
            this.functionId = functionId;
        }

        private void add(boolean err, byte[] b, int off, int len) {
            if (size + len > LIMIT) {
                if (size <= LIMIT) {
                    size = LIMIT + 1L;
                    Problems.log().log(System.Logger.Level.WARNING, "memogen: " + functionId + " wrote more than "
                            + (LIMIT >> 20) + " MiB of output while computing; hits replay the first "
                            + (LIMIT >> 20) + " MiB only");
                }
                return;
            }
            if (err != pendingErr && pending.size() > 0) {
                chunks.add(new Recorded.Chunk(pendingErr, pending.toByteArray()));
                pending.reset();
            }
            pendingErr = err;
            pending.write(b, off, len);
            size += len;
        }

        /** Stops recording (once; later calls return the same) and returns what was written, in order. */
        List<Recorded.Chunk> stop() {
            if (!stopped) {
                stopped = true;
                ArrayList<Recording> active = ACTIVE.get();
                if (active != null) {
                    active.remove(this);
                }
                if (pending.size() > 0) {
                    chunks.add(new Recorded.Chunk(pendingErr, pending.toByteArray()));
                    pending.reset();
                }
            }
            return chunks;
        }
    }

    /** {@code System.out} or {@code System.err} once replaced: the stream it replaced, and the recordings. */
    private static final class Recorder extends PrintStream {
        Recorder(PrintStream replaced, boolean err) {
            super(new Tee(replaced, err), true, charsetOf(replaced, err));
        }
    }

    /** Passes bytes on to the replaced stream, and to the current thread's recordings. */
    private static final class Tee extends OutputStream {
        private final PrintStream to;
        private final boolean err;

        Tee(PrintStream to, boolean err) {
            this.to = to;
            this.err = err;
        }

        @Override
        public void write(int b) {
            to.write(b);
            ArrayList<Recording> active = ACTIVE.get();
            if (active != null && !active.isEmpty()) {
                byte[] one = {(byte) b};
                for (Recording r : active) {
                    r.add(err, one, 0, 1);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            to.write(b, off, len);
            ArrayList<Recording> active = ACTIVE.get();
            if (active != null) {
                for (Recording r : active) {
                    r.add(err, b, off, len);
                }
            }
        }

        @Override
        public void flush() {
            to.flush();
        }

        @Override
        public void close() {
            to.close();
        }
    }

    /**
     * The charset {@code stream} encodes text with, so that the replacement writes the same bytes:
     * {@code PrintStream.charset()} from JDK 18 on; before it, what JDK 17 gives the standard
     * streams.
     */
    private static Charset charsetOf(PrintStream stream, boolean err) {
        try {
            MethodHandle charset = MethodHandles.publicLookup().findVirtual(PrintStream.class, "charset",
                    MethodType.methodType(Charset.class));
            return (Charset) charset.invoke(stream);
        } catch (Throwable notBefore18) {
            String name = System.getProperty(err ? "sun.stderr.encoding" : "sun.stdout.encoding");
            try {
                return name != null ? Charset.forName(name) : Charset.defaultCharset();
            } catch (RuntimeException unknown) {
                return Charset.defaultCharset();
            }
        }
    }
}
