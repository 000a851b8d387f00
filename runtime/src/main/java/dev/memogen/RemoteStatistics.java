package dev.memogen;

/**
 * What the remote tier ({@code memogen.remote}) did in this JVM, for all functions together:
 * {@link Memogen#remoteStatistics()}. Per function, {@link FunctionStats#remoteHits()} counts the
 * calls it answered.
 *
 * @param location     where the tier is: {@code s3://bucket/prefix}
 * @param hits         entries downloaded, checked, kept in the local store and served
 * @param misses       lookups that found no object
 * @param rejected     objects found that could not be used: damaged, forged (a tag that the
 *                     key does not verify) or stale; they were computed instead
 * @param failures     requests the remote failed: unreachable, timed out, refused (401, 403),
 *                     server errors (5xx), answers that could not be used
 * @param bytesDown    bytes downloaded
 * @param bytesUp      bytes uploaded
 * @param uploaded     objects this JVM created
 * @param alreadyThere uploads that found the object there already (another writer was first)
 * @param notShared    stored entries not uploaded: read-only, queue full, remote resting after
 *                     failures, the entry evicted before its turn, or the program ended first
 * @param nanos        time spent talking to the remote, on any thread (uploads run in the background)
 */
public record RemoteStatistics(String location, long hits, long misses, long rejected, long failures,
        long bytesDown, long bytesUp, long uploaded, long alreadyThere, long notShared, long nanos) {}
