package dev.memogen;

import dev.memogen.internal.remote.ObjectSource;
import dev.memogen.internal.remote.RemoteStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A program's own {@link RemoteObjects} as the remote tier's {@link RemoteStore}: whatever it
 * throws becomes a {@link RemoteStore.Failure} of kind {@link RemoteStore.Kind#PROVIDER}, with
 * the exception as the reason, so that it never reaches a memoized call.
 */
final class GivenRemote implements RemoteStore {
    private final RemoteObjects objects;

    GivenRemote(RemoteObjects objects) {
        this.objects = objects;
    }

    @Override
    public GetResult get(String key, OutputStream sink) {
        Counting counted = new Counting(sink);
        try {
            return objects.get(key, counted) ? new Found(counted.bytes) : new NotFound();
        } catch (IOException | RuntimeException e) {
            return failure("get " + key, e);
        }
    }

    @Override
    public PutResult putIfAbsent(String key, ObjectSource source) {
        try (InputStream content = source.open()) {
            return objects.putIfAbsent(key, source.length(), content) ? new Created(source.length())
                    : new AlreadyThere();
        } catch (IOException | RuntimeException e) {
            return failure("put " + key, e);
        }
    }

    @Override
    public DeleteResult delete(String key) {
        try {
            objects.delete(key);
            return new Deleted();
        } catch (IOException | RuntimeException e) {
            return failure("delete " + key, e);
        }
    }

    private Failure failure(String what, Exception e) {
        return new Failure(Kind.PROVIDER, what + " by " + objects.getClass().getName() + ": " + e);
    }

    @Override
    public String toString() {
        return objects.toString();
    }

    /** The sink, counting what goes through. */
    private static final class Counting extends OutputStream {
        private final OutputStream sink;
        long bytes;

        Counting(OutputStream sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            sink.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sink.write(b, off, len);
            bytes += len;
        }
    }
}
