package dev.memogen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where the remote tier keeps its objects, for a program that brings its own client: the AWS SDK
 * with its credential chain (SSO, instance metadata, web identity), another cloud's SDK, or
 * anything that stores immutable objects by name. memogen's own client (set up by
 * {@code memogen.remote}, see the README's "Share results between machines") needs none of this.
 * Put one in force with {@link MemogenSettings#withRemote}:
 *
 * <pre>{@code
 * Memogen.configure(MemogenSettings.fromEnvironment().withRemote(new SdkObjects(s3Client, "my-bucket"), false, false));
 * }</pre>
 *
 * <p>Names are relative ({@code open/6029c7642ce431d2/...}): the implementation puts them under
 * its bucket and prefix. Objects are immutable once written. memogen checks every object it reads
 * (checksum, and with {@code memogen.key} its tag), so an implementation need not.
 *
 * <p>Anything an implementation throws, checked or not, is a failure of the remote: the call
 * computes or is served locally, memogen warns once, and after three failures in a row it leaves
 * the remote alone for 30 s. An implementation should bound its own waits (timeouts).
 */
public interface RemoteObjects {

    /**
     * Copies the whole object named {@code key} into {@code sink} and returns true, or returns false
     * (having written nothing) when there is no such object. The sink is not closed.
     */
    boolean get(String key, OutputStream sink) throws IOException;

    /**
     * Writes the {@code length} bytes of {@code content} as the object named {@code key} unless it
     * exists (S3's {@code If-None-Match: *}); true when this call wrote it, false when an object of
     * that name was there already (which is then left as it is). Does not close {@code content}.
     */
    boolean putIfAbsent(String key, long length, InputStream content) throws IOException;

    /** Deletes the object named {@code key}; an absent one is no error. */
    void delete(String key) throws IOException;
}
