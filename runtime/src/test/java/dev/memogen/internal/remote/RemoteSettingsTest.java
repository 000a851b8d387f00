package dev.memogen.internal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link RemoteSettings}: the contract's names, their defaults, and clear errors for values that cannot work. */
class RemoteSettingsTest {

    @Test
    void withoutMemogenRemoteTheTierIsOff() {
        assertEquals(Optional.empty(), parse(Map.of(), Map.of()));
        assertEquals(Optional.empty(), parse(Map.of(RemoteSettings.ENDPOINT, "http://localhost:9000"), Map.of()));
    }

    @Test
    void awsByDefaultWithTheBucketInTheHostName() {
        RemoteSettings s = parse(Map.of("memogen.remote", "s3://team-cache/memo/v1/"), Map.of()).orElseThrow();
        assertEquals("team-cache", s.bucket());
        assertEquals("memo/v1", s.prefix());
        assertEquals("memo/v1/abc", s.objectKey("abc"));
        assertEquals(URI.create("https://s3.us-east-1.amazonaws.com"), s.endpoint());
        assertFalse(s.pathStyle());
        assertFalse(s.readOnly());
        assertFalse(s.sync());
        assertEquals(Duration.ofSeconds(10), s.timeout());
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertEquals(8L << 20, s.multipartThreshold());
    }

    @Test
    void environmentVariablesWhenNoPropertyAndPropertiesFirst() {
        RemoteSettings s = parse(Map.of("memogen.remote.region", "eu-west-3"),
                Map.of("MEMOGEN_REMOTE", "s3://envbucket", "MEMOGEN_REMOTE_REGION", "us-west-2",
                        "MEMOGEN_REMOTE_READ_ONLY", "true", "MEMOGEN_REMOTE_SYNC", "yes",
                        "MEMOGEN_REMOTE_TIMEOUT", "1500ms", "MEMOGEN_REMOTE_ENDPOINT", "http://127.0.0.1:9000/"))
                .orElseThrow();
        assertEquals("envbucket", s.bucket());
        assertEquals("", s.prefix());
        assertEquals("abc", s.objectKey("abc"));
        assertEquals("eu-west-3", s.region());
        assertTrue(s.readOnly());
        assertTrue(s.sync());
        assertEquals(Duration.ofMillis(1500), s.timeout());
        assertEquals(Duration.ofMillis(1500), s.connectTimeout());
        assertEquals(URI.create("http://127.0.0.1:9000"), s.endpoint());
        assertTrue(s.pathStyle());
        assertEquals("MEMOGEN_REMOTE_READ_ONLY", RemoteSettings.environmentName("memogen.remote.readOnly"));
    }

    @Test
    void aRegionNamesTheAwsEndpointAndADottedBucketIsPathStyle() {
        RemoteSettings s = parse(Map.of("memogen.remote", "s3://my.bucket/p", "memogen.remote.region", "eu-central-1"),
                Map.of()).orElseThrow();
        assertEquals(URI.create("https://s3.eu-central-1.amazonaws.com"), s.endpoint());
        assertTrue(s.pathStyle());
    }

    @Test
    void badValuesAreClearErrorsNamingTheSetting() {
        assertBad(Map.of("memogen.remote", "bucket/prefix"), "memogen.remote='bucket/prefix'", "expected s3://bucket");
        assertBad(Map.of("memogen.remote", "s3:///prefix"), "memogen.remote", "no bucket name");
        assertBad(Map.of("memogen.remote", "s3://Bad_Bucket/p"), "memogen.remote", "'Bad_Bucket' is not a bucket name");
        assertBad(Map.of("memogen.remote", "s3://ab"), "memogen.remote", "is not a bucket name");
        assertBad(Map.of("memogen.remote", "s3://bucket/a//b"), "memogen.remote", "empty segment");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.endpoint", "ftp://host"),
                "memogen.remote.endpoint='ftp://host'", "expected http://host:port");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.endpoint", "http://host:9000/path"),
                "memogen.remote.endpoint", "no path");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.endpoint", "http://a b"),
                "memogen.remote.endpoint", "not a URL");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.region", "US East"),
                "memogen.remote.region", "region name");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.timeout", "soon"),
                "memogen.remote.timeout='soon'", "10s");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.timeout", "0s"),
                "memogen.remote.timeout", "more than zero");
        assertBad(Map.of("memogen.remote", "s3://bucket", "memogen.remote.readOnly", "maybe"),
                "memogen.remote.readOnly='maybe'", "true or false");
    }

    private static void assertBad(Map<String, String> properties, String names, String says) {
        RemoteConfigException e = assertThrows(RemoteConfigException.class, () -> parse(properties, Map.of()));
        assertTrue(e.getMessage().contains(names) && e.getMessage().contains(says), e.getMessage());
    }

    private static Optional<RemoteSettings> parse(Map<String, String> properties, Map<String, String> env) {
        return RemoteSettings.parse(properties::get, env::get);
    }
}
