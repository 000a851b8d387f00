package dev.memogen.internal.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where the remote tier is and how to talk to it, read from system properties first and
 * environment variables second. These names are a contract (issue 23): scripts and CI set them.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>property</th><th>environment</th><th>default</th></tr>
 * <tr><td>memogen.remote</td><td>MEMOGEN_REMOTE</td><td>none: the tier is off; {@code s3://bucket/prefix} turns it on</td></tr>
 * <tr><td>memogen.remote.endpoint</td><td>MEMOGEN_REMOTE_ENDPOINT</td><td>AWS: {@code https://s3.<region>.amazonaws.com},
 *     bucket in the host name; any other {@code http(s)://host:port} is addressed path-style</td></tr>
 * <tr><td>memogen.remote.region</td><td>MEMOGEN_REMOTE_REGION</td><td>us-east-1</td></tr>
 * <tr><td>memogen.remote.readOnly</td><td>MEMOGEN_REMOTE_READ_ONLY</td><td>false: when true, nothing is uploaded</td></tr>
 * <tr><td>memogen.remote.sync</td><td>MEMOGEN_REMOTE_SYNC</td><td>false: uploads run off the caller's thread</td></tr>
 * <tr><td>memogen.remote.timeout</td><td>MEMOGEN_REMOTE_TIMEOUT</td><td>10s: the longest wait for an answer, or for
 *     progress of a transfer; connecting waits at most 2 s (or this, if less)</td></tr>
 * </table>
 *
 * <p>This class only reads and checks them; a value that cannot be used is a
 * {@link RemoteConfigException} that says which setting is wrong and what it should look like.
 *
 * @param prefix the key prefix in the bucket, without leading or trailing {@code /}; empty for none
 * @param pathStyle requests go to {@code endpoint/bucket/key}, not {@code bucket.endpoint/key}
 * @param multipartThreshold objects larger than this are uploaded in parts of this size (S3's parts are 5 MiB at least)
 * @param maxObjectBytes a larger object is not downloaded: a bucket writer cannot fill the caller's disk
 */
public record RemoteSettings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
        boolean readOnly, boolean sync, Duration connectTimeout, Duration timeout, long multipartThreshold,
        long maxObjectBytes) {

    public static final String REMOTE = "memogen.remote";
    public static final String ENDPOINT = "memogen.remote.endpoint";
    public static final String REGION = "memogen.remote.region";
    public static final String READ_ONLY = "memogen.remote.readOnly";
    public static final String SYNC = "memogen.remote.sync";
    public static final String TIMEOUT = "memogen.remote.timeout";

    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Objects above 8 MiB go up in parts. */
    public static final long DEFAULT_MULTIPART_THRESHOLD = 8L << 20;
    /** S3's smallest part (but the last). */
    public static final long MIN_PART_SIZE = 5L << 20;
    /** S3's most parts in one upload. */
    public static final int MAX_PARTS = 10_000;
    public static final long DEFAULT_MAX_OBJECT_BYTES = 1L << 30;

    // S3's rules for new buckets: 3-63 lower-case letters, digits, dots and hyphens, a letter or digit at each end.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION_NAME = Pattern.compile("[a-z0-9-]{1,32}");

    public RemoteSettings {
        if (multipartThreshold < MIN_PART_SIZE) {
            throw new IllegalArgumentException("multipartThreshold below S3's 5 MiB part size: " + multipartThreshold);
        }
    }

    /** The settings of this process, or empty when {@code memogen.remote} is not set. */
    public static Optional<RemoteSettings> fromEnvironment() {
        return parse(System::getProperty, System::getenv);
    }

    /**
     * The settings from {@code property} (a system property's value by name) and {@code env} (an
     * environment variable's), or empty when {@code memogen.remote} is set in neither.
     *
     * @throws RemoteConfigException when a setting is set but cannot be used
     */
    public static Optional<RemoteSettings> parse(UnaryOperator<String> property, UnaryOperator<String> env) {
        String remote = setting(property, env, REMOTE);
        if (remote == null) {
            return Optional.empty();
        }
        String location = remote.strip();
        if (!location.startsWith("s3://")) {
            throw bad(REMOTE, remote, "expected s3://bucket or s3://bucket/prefix");
        }
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : trimSlashes(rest.substring(slash + 1));
        if (bucket.isEmpty()) {
            throw bad(REMOTE, remote, "no bucket name: expected s3://bucket or s3://bucket/prefix");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw bad(REMOTE, remote, "'" + bucket + "' is not a bucket name: 3 to 63 lower-case letters, digits,"
                    + " dots and hyphens, starting and ending with a letter or digit");
        }
        if (prefix.contains("//") || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw bad(REMOTE, remote, "the prefix has an empty segment or a control character");
        }
        String regionSetting = setting(property, env, REGION);
        String region = regionSetting == null ? DEFAULT_REGION : regionSetting.strip();
        if (!REGION_NAME.matcher(region).matches()) {
            throw bad(REGION, regionSetting, "expected a region name such as us-east-1");
        }
        String endpointSetting = setting(property, env, ENDPOINT);
        URI endpoint;
        boolean pathStyle;
        if (endpointSetting == null) {
            endpoint = URI.create("https://s3." + region + ".amazonaws.com");
            // A bucket with a dot in its name does not match AWS's wildcard certificate as a host name.
            pathStyle = bucket.contains(".");
        } else {
            endpoint = endpoint(endpointSetting);
            pathStyle = true;
        }
        Duration timeout = timeout(setting(property, env, TIMEOUT));
        Duration connect = timeout.compareTo(DEFAULT_CONNECT_TIMEOUT) < 0 ? timeout : DEFAULT_CONNECT_TIMEOUT;
        return Optional.of(new RemoteSettings(bucket, prefix, endpoint, region, pathStyle,
                flag(READ_ONLY, setting(property, env, READ_ONLY)), flag(SYNC, setting(property, env, SYNC)),
                connect, timeout, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_MAX_OBJECT_BYTES));
    }

    /**
     * Settings for a program's own client ({@code dev.memogen.RemoteObjects}): no bucket or
     * endpoint of memogen's, the given modes, the default timeout (which bounds the wait for
     * uploads at exit) and largest object.
     */
    public static RemoteSettings forGiven(boolean readOnly, boolean sync) {
        return new RemoteSettings("", "", null, "", false, readOnly, sync, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
                DEFAULT_MULTIPART_THRESHOLD, DEFAULT_MAX_OBJECT_BYTES);
    }

    /** These settings with objects above {@code bytes} uploaded in parts of that size. */
    public RemoteSettings withMultipartThreshold(long bytes) {
        return new RemoteSettings(bucket, prefix, endpoint, region, pathStyle, readOnly, sync, connectTimeout, timeout,
                bytes, maxObjectBytes);
    }

    /** These settings with other timeouts. */
    public RemoteSettings withTimeouts(Duration connect, Duration answer) {
        return new RemoteSettings(bucket, prefix, endpoint, region, pathStyle, readOnly, sync, connect, answer,
                multipartThreshold, maxObjectBytes);
    }

    /** These settings with another largest downloadable object. */
    public RemoteSettings withMaxObjectBytes(long bytes) {
        return new RemoteSettings(bucket, prefix, endpoint, region, pathStyle, readOnly, sync, connectTimeout, timeout,
                multipartThreshold, bytes);
    }

    /** The object key of {@code key} in the bucket: under the prefix. */
    public String objectKey(String key) {
        return prefix.isEmpty() ? key : prefix + '/' + key;
    }

    private static URI endpoint(String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw bad(ENDPOINT, value, "not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad(ENDPOINT, value, "expected http://host:port or https://host");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw bad(ENDPOINT, value, "expected http://host:port or https://host, with no user name");
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(ENDPOINT, value, "expected no path, query or fragment after host:port");
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }

    private static Duration timeout(String value) {
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        String t = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).strip()));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).strip()));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).strip()));
            } else {
                throw new NumberFormatException();
            }
            if (d.isNegative() || d.isZero()) {
                throw bad(TIMEOUT, value, "must be more than zero");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw bad(TIMEOUT, value, "expected a duration such as 10s, 2500ms, 1m or PT10S");
        }
    }

    private static boolean flag(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw bad(name, value, "expected true or false");
        };
    }

    /** The property {@code name}, else its environment variable ({@code memogen.remote.readOnly} is {@code MEMOGEN_REMOTE_READ_ONLY}). */
    private static String setting(UnaryOperator<String> property, UnaryOperator<String> env, String name) {
        String value = property.apply(name);
        if (value == null) {
            value = env.apply(environmentName(name));
        }
        return value == null || value.isBlank() ? null : value;
    }

    static String environmentName(String property) {
        StringBuilder env = new StringBuilder();
        for (char c : property.toCharArray()) {
            if (c == '.') {
                env.append('_');
            } else if (Character.isUpperCase(c)) {
                env.append('_').append(c);
            } else {
                env.append(Character.toUpperCase(c));
            }
        }
        return env.toString();
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    private static RemoteConfigException bad(String name, String value, String why) {
        return new RemoteConfigException(name + "='" + value + "' cannot be used: " + why);
    }
}
