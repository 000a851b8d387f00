package dev.memogen.internal.remote;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for requests signed in the {@code Authorization} header, as S3 and every
 * S3-compatible server check it: the canonical request, the string to sign, the signing key derived
 * from the secret and the scope (date, region, service), and the header value. Checked against
 * AWS's published test vectors (SigV4Test).
 *
 * <p>The payload hash is the caller's choice: the SHA-256 of a body held in memory (small XML
 * bodies, {@link #EMPTY_SHA256} for none), or {@link #UNSIGNED_PAYLOAD} for a streamed object, so
 * that an object is read once, as it is sent, rather than once more beforehand to hash it.
 */
final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** The payload hash of a body that is not part of the signature. */
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    /** The SHA-256 of no bytes. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {}

    /** One signed request: each step, for tests and for a 403's diagnosis, and the header value. */
    record Signature(String canonicalRequest, String stringToSign, String signature, String authorization) {}

    /** The {@code x-amz-date} value of {@code time}: {@code 20150830T123600Z}. */
    static String amzDate(Instant time) {
        // By hand: java.time.format costs a fresh JVM some 50 classes on the way to its first request.
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
        char[] c = new char[16];
        digits(c, 0, t.getYear(), 4);
        digits(c, 4, t.getMonthValue(), 2);
        digits(c, 6, t.getDayOfMonth(), 2);
        c[8] = 'T';
        digits(c, 9, t.getHour(), 2);
        digits(c, 11, t.getMinute(), 2);
        digits(c, 13, t.getSecond(), 2);
        c[15] = 'Z';
        return new String(c);
    }

    private static void digits(char[] into, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Signs a request. {@code headers} are every header to sign, lower-case names to values, and
     * include {@code host} and {@code x-amz-date}; {@code canonicalUri} is the path as sent (already
     * {@link #encodePath encoded}) and {@code canonicalQuery} the {@link #canonicalQuery} the request
     * is sent with.
     */
    static Signature sign(String method, String canonicalUri, String canonicalQuery,
            SortedMap<String, String> headers, String payloadHash, AwsCredentials credentials, String region,
            String service) {
        String amzDate = headers.get("x-amz-date");
        if (amzDate == null || amzDate.length() != 16) {
            throw new IllegalArgumentException("x-amz-date must be signed, as yyyyMMddTHHmmssZ: " + amzDate);
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        StringBuilder signedHeaders = new StringBuilder();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            canonicalHeaders.append(h.getKey()).append(':').append(trimValue(h.getValue())).append('\n');
            if (signedHeaders.length() > 0) {
                signedHeaders.append(';');
            }
            signedHeaders.append(h.getKey());
        }
        String canonicalRequest = method + '\n' + canonicalUri + '\n' + canonicalQuery + '\n' + canonicalHeaders
                + '\n' + signedHeaders + '\n' + payloadHash;
        String date = amzDate.substring(0, 8);
        String scope = date + '/' + region + '/' + service + "/aws4_request";
        String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest.getBytes(UTF_8));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HEX.formatHex(hmac(key, stringToSign));
        String authorization = ALGORITHM + " Credential=" + credentials.accessKeyId() + '/' + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
        return new Signature(canonicalRequest, stringToSign, signature, authorization);
    }

    /**
     * The canonical query string of decoded {@code name=value} pairs: each name and value
     * {@link #encode encoded}, sorted by name then value, joined with {@code &}; a parameter without
     * a value is {@code name=}. The request must be sent with exactly this string.
     */
    static String canonicalQuery(List<Map.Entry<String, String>> parameters) {
        List<String[]> encoded = new ArrayList<>(parameters.size());
        for (Map.Entry<String, String> p : parameters) {
            encoded.add(new String[] {encode(p.getKey()), encode(p.getValue() == null ? "" : p.getValue())});
        }
        encoded.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder query = new StringBuilder();
        for (String[] p : encoded) {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(p[0]).append('=').append(p[1]);
        }
        return query.toString();
    }

    /** {@code text} with every byte of its UTF-8 form percent-encoded except the unreserved {@code A-Za-z0-9-._~}. */
    static String encode(String text) {
        return encode(text, false);
    }

    /** An S3 path: {@link #encode} but {@code /} kept (S3 encodes each segment once, and never normalises). */
    static String encodePath(String path) {
        return encode(path, true);
    }

    private static String encode(String text, boolean keepSlash) {
        byte[] bytes = text.getBytes(UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** A header value as signed: trimmed, runs of spaces made one. */
    private static String trimValue(String value) {
        String t = value.strip();
        return t.indexOf("  ") < 0 ? t : t.replaceAll(" {2,}", " ");
    }

    /** Lower-case hexadecimal SHA-256 of {@code bytes}. */
    static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
