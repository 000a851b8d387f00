package dev.memogen.internal.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SigV4} against AWS's published vectors (test resources {@code sigv4/}, whose README says
 * where each comes from): each step, canonical request, string to sign and signature, must be
 * the published one.
 */
class SigV4Test {

    @ParameterizedTest
    @ValueSource(strings = {
        "get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-query-order-encoded",
        "get-vanilla-query-unreserved", "get-vanilla-empty-query-key", "get-vanilla-utf8-query",
        "get-vanilla-with-session-token", "get-unreserved", "get-utf8", "get-header-value-trim",
        "post-header-key-sort", "post-vanilla", "post-vanilla-query", "post-x-www-form-urlencoded",
        "s3-get-object", "s3-put-object", "s3-get-bucket-lifecycle", "s3-list-objects"})
    void signsLikeAwsPublishedVector(String name) throws Exception {
        Path dir = Path.of(SigV4Test.class.getResource("/sigv4/" + name).toURI());
        SigV4.Signature signed = sign(dir);
        assertEquals(read(dir, "header-canonical-request.txt"), signed.canonicalRequest(), "canonical request");
        assertEquals(read(dir, "header-string-to-sign.txt"), signed.stringToSign(), "string to sign");
        assertEquals(read(dir, "header-signature.txt"), signed.signature(), "signature");
    }

    @Test
    void theAuthorizationHeaderHasTheDocumentedForm() throws Exception {
        SigV4.Signature signed = sign(Path.of(SigV4Test.class.getResource("/sigv4/s3-get-object").toURI()));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", signed.authorization());
    }

    @Test
    void anotherSecretIsAnotherSignature() throws Exception {
        Path dir = Path.of(SigV4Test.class.getResource("/sigv4/get-vanilla").toURI());
        TreeMap<String, String> headers = new TreeMap<>(Map.of("host", "example.amazonaws.com",
                "x-amz-date", "20150830T123600Z"));
        SigV4.Signature other = SigV4.sign("GET", "/", "", headers, SigV4.EMPTY_SHA256,
                new AwsCredentials("AKIDEXAMPLE", "another secret", null), "us-east-1", "service");
        assertNotEquals(read(dir, "header-signature.txt"), other.signature());
    }

    @Test
    void encodesAsS3Expects() {
        assertEquals("a%20b%2Bc%3D%2F~-._%C3%A9", SigV4.encode("a b+c=/~-._é"));
        assertEquals("/bucket/fn%201/a%2Bb%24", SigV4.encodePath("/bucket/fn 1/a+b$"));
        assertEquals("partNumber=2&uploadId=a%2Fb%3D", SigV4.canonicalQuery(List.of(
                Map.entry("uploadId", "a/b="), Map.entry("partNumber", "2"))));
        assertEquals("20130524T000000Z", SigV4.amzDate(Instant.parse("2013-05-24T00:00:00Z")));
    }

    /** Signs {@code request.txt} of {@code dir} as its {@code context.json} says. */
    private static SigV4.Signature sign(Path dir) throws IOException, URISyntaxException {
        String context = read(dir, "context.json");
        byte[] raw = Files.readAllBytes(dir.resolve("request.txt"));
        // ISO-8859-1 maps each byte to one char: an index in the text is an index in the bytes.
        int bodyAt = new String(raw, StandardCharsets.ISO_8859_1).indexOf("\n\n");
        String head = new String(raw, 0, bodyAt < 0 ? raw.length : bodyAt, UTF_8);
        byte[] body = bodyAt < 0 ? new byte[0] : Arrays.copyOfRange(raw, bodyAt + 2, raw.length);
        List<String> lines = head.lines().toList();
        String[] requestLine = lines.get(0).split(" ");
        String method = requestLine[0];
        String target = String.join(" ", Arrays.asList(requestLine).subList(1, requestLine.length - 1));
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        List<Map.Entry<String, String>> query = new ArrayList<>();
        if (q >= 0) {
            for (String p : target.substring(q + 1).split("&")) {
                int eq = p.indexOf('=');
                query.add(Map.entry(percentDecode(eq < 0 ? p : p.substring(0, eq)),
                        eq < 0 ? "" : percentDecode(p.substring(eq + 1))));
            }
        }
        TreeMap<String, String> headers = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1));
        }
        Instant time = Instant.parse(field(context, "timestamp"));
        headers.put("x-amz-date", SigV4.amzDate(time));
        String token = field(context, "token");
        if (token != null) {
            headers.put("x-amz-security-token", token);
        }
        String payloadHash = SigV4.sha256Hex(body);
        if (context.contains("\"sign_body\": true")) {
            headers.put("x-amz-content-sha256", payloadHash);
        }
        AwsCredentials credentials = new AwsCredentials(field(context, "access_key_id"),
                field(context, "secret_access_key"), token);
        return SigV4.sign(method, SigV4.encodePath(path), SigV4.canonicalQuery(query), headers, payloadHash,
                credentials, field(context, "region"), field(context, "service"));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile('"' + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = s.getBytes(UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                out.write(Integer.parseInt(new String(bytes, i + 1, 2, UTF_8), 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(UTF_8);
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file), UTF_8);
    }
}
