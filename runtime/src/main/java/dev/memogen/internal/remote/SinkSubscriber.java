package dev.memogen.internal.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an answer's body into a stream as it arrives, at most {@code limit} bytes: beyond it the
 * exchange fails ({@link TooLarge}), or, with {@code truncate}, the rest is dropped.
 */
final class SinkSubscriber implements BodySubscriber<Long> {
    private final OutputStream out;
    private final long limit;
    private final boolean truncate;
    private final AtomicLong received;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private final byte[] copy = new byte[16 << 10];
    private Flow.Subscription subscription;
    private long written;

    SinkSubscriber(OutputStream out, long limit, boolean truncate, AtomicLong received) {
        this.out = out;
        this.limit = limit;
        this.truncate = truncate;
        this.received = received;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        try {
            for (ByteBuffer b : buffers) {
                received.addAndGet(b.remaining());
                if (written + b.remaining() > limit) {
                    if (!truncate) {
                        fail(new TooLarge("the object is larger than " + limit + " bytes, the most this"
                                + " process downloads"));
                        return;
                    }
                    b.limit(b.position() + (int) (limit - written));
                }
                write(b);
            }
        } catch (IOException e) {
            fail(new LocalException("writing the downloaded object: " + e, e));
            return;
        }
        subscription.request(1);
    }

    private void write(ByteBuffer b) throws IOException {
        int n = b.remaining();
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), n);
        } else {
            for (int left = n; left > 0; ) {
                int chunk = Math.min(left, copy.length);
                b.get(copy, 0, chunk);
                out.write(copy, 0, chunk);
                left -= chunk;
            }
        }
        written += n;
    }

    private void fail(IOException e) {
        subscription.cancel();
        result.completeExceptionally(e);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(written);
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    /** An object over the download limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }
}
