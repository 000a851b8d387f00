package dev.memogen.internal.remote;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RemoteStore} on S3's REST API over {@code java.net.http}, signed with {@link SigV4}: no
 * dependency, and a fresh JVM's first request costs a fraction of what an SDK client costs
 * (docs/remote.md, "The client"). It works with AWS (virtual-hosted addressing) and with
 * S3-compatible servers at a custom endpoint (path-style), such as MinIO, Ceph RGW or s3proxy.
 *
 * <ul>
 * <li>GET streams the object into the caller's sink, refusing one larger than
 *     {@link RemoteSettings#maxObjectBytes}.
 * <li>An object up to {@link RemoteSettings#multipartThreshold} is one PUT with
 *     {@code If-None-Match: *}. A larger one is checked with HEAD first (an object that is there is
 *     not uploaded again), then uploaded in parts of the threshold's size, and the completion carries
 *     {@code If-None-Match: *}, so that of two writers racing the first to complete wins, as with a
 *     single PUT (S3 and s3proxy 4.1.0 answer 412 to the second; checked by S3HttpClientTest).
 *     An upload that does not complete is aborted.
 * <li>Bodies are sent as they are read, once: their hash is not signed ({@code UNSIGNED-PAYLOAD});
 *     an entry carries its own checksum (and, with {@code memogen.key}, an HMAC), checked on read.
 * <li>Every wait is bounded: connecting by {@link RemoteSettings#connectTimeout}, the answer by
 *     {@link RemoteSettings#timeout}, and a transfer fails when no byte moves for that long.
 * </ul>
 *
 * <p>Nothing is retried here: whoever calls decides (a cache can compute instead).
 */
public final class S3HttpClient implements RemoteStore {
    private static final int TEXT_LIMIT = 64 << 10;

    private final RemoteSettings settings;
    private final AwsCredentials credentials;
    private final Clock clock;
    private final HttpClient http;
    /** Scheme and authority of every request. */
    private final String origin;
    /** The {@code Host} header as the JDK sends it for {@link #origin}: signed, so it must match. */
    private final String host;
    /** {@code /bucket} path-style; empty when the bucket is in the host name. */
    private final String bucketPath;

    private S3HttpClient(RemoteSettings settings, AwsCredentials credentials, Clock clock) {
        this.settings = settings;
        this.credentials = credentials;
        this.clock = clock;
        URI endpoint = settings.endpoint();
        String authority = settings.pathStyle() ? endpoint.getRawAuthority()
                : settings.bucket() + '.' + endpoint.getRawAuthority();
        this.origin = endpoint.getScheme() + "://" + authority;
        this.bucketPath = settings.pathStyle() ? "/" + settings.bucket() : "";
        URI originUri = URI.create(origin);
        int port = originUri.getPort();
        boolean defaultPort = port == -1 || port == (endpoint.getScheme().equals("https") ? 443 : 80);
        this.host = defaultPort ? originUri.getHost() : originUri.getHost() + ':' + port;
        // HTTP/1.1: no h2c upgrade headers on plain http, one connection per concurrent request.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (endpoint.getScheme().equals("http")) {
            builder.sslContext(NoTls.CONTEXT);
        }
        this.http = builder.build();
    }

    /** A client for {@code settings}, signing with {@code credentials}. */
    public static S3HttpClient create(RemoteSettings settings, AwsCredentials credentials) {
        return new S3HttpClient(settings, credentials, Clock.systemUTC());
    }

    /** A client whose signatures carry {@code clock}'s time (an hour off is a 403 RequestTimeTooSkewed: tests show it). */
    static S3HttpClient create(RemoteSettings settings, AwsCredentials credentials, Clock clock) {
        return new S3HttpClient(settings, credentials, clock);
    }

    @Override
    public GetResult get(String key, OutputStream sink) {
        String path = objectPath(key);
        try {
            Response r = call("GET", path, "", Map.of(), SigV4.EMPTY_SHA256, BodyPublishers.noBody(), null, sink);
            if (r.status == 200) {
                return new Found(r.bytes);
            }
            if (r.status == 404 && !"NoSuchBucket".equals(r.code())) {
                return new NotFound();
            }
            return statusFailure("GET " + describe(key), r);
        } catch (CallFailed e) {
            return e.failure(describe(key));
        }
    }

    @Override
    public PutResult putIfAbsent(String key, ObjectSource source) {
        String path = objectPath(key);
        long length = source.length();
        try {
            return length <= settings.multipartThreshold() ? putSingle(key, path, source, length)
                    : putMultipart(key, path, source, length);
        } catch (CallFailed e) {
            return e.failure(describe(key));
        }
    }

    @Override
    public DeleteResult delete(String key) {
        try {
            Response r = call("DELETE", objectPath(key), "", Map.of(), SigV4.EMPTY_SHA256, BodyPublishers.noBody(),
                    null, null);
            return r.status / 100 == 2 || r.status == 404 ? new Deleted() : statusFailure("DELETE " + describe(key), r);
        } catch (CallFailed e) {
            return e.failure(describe(key));
        }
    }

    /** Creates the bucket (for tests and tools): {@link Created}, or {@link AlreadyThere} when it is this account's already. */
    PutResult createBucket() {
        try {
            Response r = call("PUT", bucketPath.isEmpty() ? "/" : bucketPath, "", Map.of(), SigV4.EMPTY_SHA256,
                    BodyPublishers.noBody(), null, null);
            if (r.status == 200) {
                return new Created(0);
            }
            if (r.status == 409 && "BucketAlreadyOwnedByYou".equals(r.code())) {
                return new AlreadyThere();
            }
            return statusFailure("create bucket " + settings.bucket(), r);
        } catch (CallFailed e) {
            return e.failure("bucket " + settings.bucket());
        }
    }

    private PutResult putSingle(String key, String path, ObjectSource source, long length) throws CallFailed {
        try (InputStream in = open(source)) {
            SourceStream body = new SourceStream(in, length);
            Response r = send(body, "PUT", path, "", Map.of("if-none-match", "*"), length);
            return putAnswer("PUT " + describe(key), r, length);
        } catch (IOException e) {
            // Closing the caller's source failed after the upload: what was sent was sent.
            throw new CallFailed(Kind.LOCAL, "closing the source: " + e);
        }
    }

    private PutResult putAnswer(String what, Response r, long length) {
        if (r.status == 200) {
            return new Created(length);
        }
        // 409 ConditionalRequestConflict: S3's answer while another conditional write of the key is in
        // flight. That writer's object will be there (or, if it fails, a later miss uploads again).
        if (r.status == 412 || (r.status == 409 && "ConditionalRequestConflict".equals(r.code()))) {
            return new AlreadyThere();
        }
        return statusFailure(what, r);
    }

    private PutResult putMultipart(String key, String path, ObjectSource source, long length) throws CallFailed {
        String what = "PUT " + describe(key);
        Response head = call("HEAD", path, "", Map.of(), SigV4.EMPTY_SHA256, BodyPublishers.noBody(), null, null);
        if (head.status == 200) {
            return new AlreadyThere();
        }
        if (head.status != 404) {
            return statusFailure("HEAD " + describe(key), head);
        }
        Response created = call("POST", path, "uploads=", Map.of(), SigV4.EMPTY_SHA256, BodyPublishers.noBody(),
                null, null);
        if (created.status != 200) {
            return statusFailure(what + " (CreateMultipartUpload)", created);
        }
        String uploadId = xmlElement(created.text, "UploadId");
        if (uploadId == null || uploadId.isEmpty()) {
            return new Failure(Kind.BAD_RESPONSE, what + ": malformed answer to CreateMultipartUpload, no UploadId");
        }
        String uploadQuery = SigV4.canonicalQuery(List.of(Map.entry("uploadId", uploadId)));
        boolean completed = false;
        try {
            long partSize = Math.max(settings.multipartThreshold(),
                    (length + RemoteSettings.MAX_PARTS - 1) / RemoteSettings.MAX_PARTS);
            StringBuilder complete = new StringBuilder("<CompleteMultipartUpload>");
            try (InputStream in = open(source)) {
                int number = 1;
                for (long offset = 0; offset < length; offset += partSize, number++) {
                    long size = Math.min(partSize, length - offset);
                    SourceStream part = new SourceStream(in, size);
                    String query = SigV4.canonicalQuery(List.of(Map.entry("partNumber", Integer.toString(number)),
                            Map.entry("uploadId", uploadId)));
                    Response r = send(part, "PUT", path, query, Map.of(), size);
                    if (r.status != 200) {
                        return statusFailure(what + " (UploadPart " + number + ")", r);
                    }
                    String etag = r.headers.firstValue("etag").orElse(null);
                    if (etag == null) {
                        return new Failure(Kind.BAD_RESPONSE, what + ": no ETag in the answer to UploadPart " + number);
                    }
                    complete.append("<Part><PartNumber>").append(number).append("</PartNumber><ETag>")
                            .append(xmlEscape(etag)).append("</ETag></Part>");
                }
            } catch (IOException e) {
                throw new CallFailed(Kind.LOCAL, "closing the source: " + e);
            }
            byte[] xml = complete.append("</CompleteMultipartUpload>").toString().getBytes(UTF_8);
            Response r = call("POST", path, uploadQuery,
                    Map.of("if-none-match", "*", "content-type", "application/xml"), SigV4.sha256Hex(xml),
                    BodyPublishers.ofByteArray(xml), null, null);
            // S3 may answer 200 and report an error in the body (it started answering before it finished).
            String code = r.status == 200 ? r.code() : null;
            if (r.status == 200 && code != null) {
                return "PreconditionFailed".equals(code) ? new AlreadyThere()
                        : new Failure(Kind.SERVER_ERROR, what + ": CompleteMultipartUpload failed: " + code + detail(r));
            }
            PutResult result = putAnswer(what + " (CompleteMultipartUpload)", r, length);
            completed = result instanceof Created;
            return result;
        } finally {
            if (!completed) {
                abort(path, uploadQuery);
            }
        }
    }

    /** Best effort: a failed abort leaves parts a bucket's lifecycle rule removes; the upload already failed. */
    private void abort(String path, String uploadQuery) {
        try {
            call("DELETE", path, uploadQuery, Map.of(), SigV4.EMPTY_SHA256, BodyPublishers.noBody(), null, null);
        } catch (CallFailed ignored) {
            // The reason of the upload's own failure is what the caller needs.
        }
    }

    private static InputStream open(ObjectSource source) throws CallFailed {
        try {
            return source.open();
        } catch (IOException | RuntimeException e) {
            throw new CallFailed(Kind.LOCAL, "cannot read the object to upload: " + e);
        }
    }

    /** Sends {@code length} bytes of {@code body}; a failure to read them is the caller's ({@link Kind#LOCAL}). */
    private Response send(SourceStream body, String method, String path, String query, Map<String, String> headers,
            long length) throws CallFailed {
        BodyPublisher publisher = length == 0 ? BodyPublishers.noBody()
                : BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), length);
        try {
            return call(method, path, query, headers, SigV4.UNSIGNED_PAYLOAD, publisher, body.read, null);
        } catch (CallFailed e) {
            IOException failed = body.failed;
            throw failed == null ? e : new CallFailed(Kind.LOCAL, "reading the object to upload: " + failed);
        }
    }

    /**
     * Sends one signed request and waits for its answer: a 2xx body into {@code sink} (at most
     * {@link RemoteSettings#maxObjectBytes}) when there is one, any other body into memory (at most
     * 64 KiB, for its error code). Fails when the answer does not come within the timeout or no
     * byte moves, up ({@code sent}) or down, for that long.
     */
    private Response call(String method, String path, String query, Map<String, String> extraHeaders,
            String payloadHash, BodyPublisher body, AtomicLong sent, OutputStream sink) throws CallFailed {
        TreeMap<String, String> headers = new TreeMap<>(extraHeaders);
        headers.put("host", host);
        headers.put("x-amz-content-sha256", payloadHash);
        headers.put("x-amz-date", SigV4.amzDate(clock.instant()));
        if (credentials.sessionToken() != null) {
            headers.put("x-amz-security-token", credentials.sessionToken());
        }
        SigV4.Signature signature = SigV4.sign(method, path, query, headers, payloadHash, credentials,
                settings.region(), "s3");
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(origin + path + (query.isEmpty() ? "" : "?" + query)))
                    .timeout(settings.timeout())
                    .method(method, body)
                    .header("authorization", signature.authorization());
        } catch (IllegalArgumentException e) {
            throw new CallFailed(Kind.LOCAL, "cannot make a request of " + origin + path + ": " + e.getMessage());
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!h.getKey().equals("host")) {
                request.header(h.getKey(), h.getValue());
            }
        }
        AtomicLong received = new AtomicLong();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        BodyHandler<Long> handler = info -> {
            if (info.statusCode() / 100 != 2 || sink == null) {
                return new SinkSubscriber(text, TEXT_LIMIT, true, received);
            }
            if (sink instanceof ExpectsLength expecting) {
                info.headers().firstValueAsLong("content-length").ifPresent(expecting::expect);
            }
            return new SinkSubscriber(sink, settings.maxObjectBytes(), false, received);
        };
        CompletableFuture<HttpResponse<Long>> answer = http.sendAsync(request.build(), handler);
        long timeoutMillis = settings.timeout().toMillis();
        long progress = 0;
        while (true) {
            try {
                HttpResponse<Long> r = answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
                return new Response(r.statusCode(), r.headers(), r.body(), text.toByteArray());
            } catch (TimeoutException e) {
                long now = received.get() + (sent == null ? 0 : sent.get());
                if (now == progress) {
                    answer.cancel(true);
                    throw new CallFailed(Kind.TIMEOUT, "no progress for " + timeoutMillis + " ms from " + origin);
                }
                progress = now;
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new CallFailed(Kind.LOCAL, "interrupted");
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            }
        }
    }

    /** What an exception from the exchange means, found along its causes. */
    private CallFailed failure(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SinkSubscriber.TooLarge) {
                return new CallFailed(Kind.BAD_RESPONSE, t.getMessage());
            }
            if (t instanceof LocalException) {
                return new CallFailed(Kind.LOCAL, t.getMessage());
            }
            if (t instanceof HttpConnectTimeoutException) {
                return new CallFailed(Kind.UNREACHABLE, "could not connect to " + origin + " within "
                        + settings.connectTimeout().toMillis() + " ms");
            }
            if (t instanceof HttpTimeoutException) {
                return new CallFailed(Kind.TIMEOUT, "no answer from " + origin + " within "
                        + settings.timeout().toMillis() + " ms");
            }
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException) {
                return new CallFailed(Kind.UNREACHABLE, "cannot connect to " + origin + " ("
                        + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()) + ")");
            }
        }
        String message = thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.toString();
        return new CallFailed(Kind.UNREACHABLE, "connection to " + origin + " failed: " + message);
    }

    private Failure statusFailure(String what, Response r) {
        String detail = detail(r);
        if (r.status == 401 || r.status == 403) {
            return new Failure(Kind.DENIED, what + ": access denied (HTTP " + r.status + detail + ") for access key id "
                    + credentials.accessKeyId() + ": check the credentials, this machine's clock and the bucket's"
                    + " permissions");
        }
        if (r.status == 404 && "NoSuchBucket".equals(r.code())) {
            return new Failure(Kind.BAD_RESPONSE, what + ": there is no bucket " + settings.bucket() + " at " + origin);
        }
        if (r.status >= 500) {
            return new Failure(Kind.SERVER_ERROR, what + ": server error (HTTP " + r.status + detail + ")");
        }
        return new Failure(Kind.BAD_RESPONSE, what + ": unexpected answer (HTTP " + r.status + detail + ")");
    }

    private static String detail(Response r) {
        String code = r.code();
        String message = xmlElement(r.text, "Message");
        return (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
    }

    /** Where the object of {@code key} is: for tests of the addressing. */
    URI objectUri(String key) {
        return URI.create(origin + objectPath(key));
    }

    private String objectPath(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an empty key");
        }
        return bucketPath + '/' + SigV4.encodePath(settings.objectKey(key));
    }

    private String describe(String key) {
        return "s3://" + settings.bucket() + '/' + settings.objectKey(key);
    }

    /**
     * The text of the first {@code <name>} element of {@code xml}, unescaped, or {@code null}. S3's
     * answers are flat and small: a search is enough, and keeps an XML parser (and its entity
     * expansion) out of reach of a server's answer.
     */
    static String xmlElement(byte[] xml, String name) {
        String text = new String(xml, UTF_8);
        int start = text.indexOf('<' + name + '>');
        if (start < 0) {
            return null;
        }
        start += name.length() + 2;
        int end = text.indexOf("</" + name + '>', start);
        if (end < 0) {
            return null;
        }
        return text.substring(start, end).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&apos;", "'").replace("&amp;", "&");
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** An answer: its status and headers, the bytes of a 2xx body sent to the sink, or the body's text. */
    private static final class Response {
        final int status;
        final HttpHeaders headers;
        final long bytes;
        final byte[] text;

        Response(int status, HttpHeaders headers, long bytes, byte[] text) {
            this.status = status;
            this.headers = headers;
            this.bytes = bytes;
            this.text = text;
        }

        /** S3's error code in the body ({@code NoSuchKey}, {@code SignatureDoesNotMatch}...), or null. */
        String code() {
            return xmlElement(text, "Code");
        }
    }

    /** A request that did not get an answer, or one that cannot be used; becomes a {@link Failure}. */
    private static final class CallFailed extends Exception {
        private static final long serialVersionUID = 1L;
        private final Kind kind;

        CallFailed(Kind kind, String reason) {
            super(reason, null, false, false);
            this.kind = kind;
        }

        Failure failure(String what) {
            return new Failure(kind, what + ": " + getMessage());
        }
    }

    /**
     * The next {@code limit} bytes of the caller's stream, counted as they are sent (the progress a
     * slow upload shows); closing it leaves the caller's stream open for the next part.
     */
    private static final class SourceStream extends FilterInputStream {
        final AtomicLong read = new AtomicLong();
        /** Why reading failed, if it did, whatever the JDK's publisher makes of the exception it gets. */
        volatile IOException failed;
        private long left;

        SourceStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, left));
            } catch (IOException e) {
                failed = e;
                throw new LocalException("reading the object to upload: " + e, e);
            }
            if (n > 0) {
                left -= n;
                read.addAndGet(n);
            }
            return n;
        }

        @Override
        public void close() {
            // The caller's stream is closed by whoever opened it.
        }
    }

}
