package dev.memogen.internal.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys requests are signed with, found where the AWS tools look first: the environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}), else a
 * profile ({@code AWS_PROFILE}, or {@code default}) of the shared credentials file
 * ({@code AWS_SHARED_CREDENTIALS_FILE}, or {@code ~/.aws/credentials}). SSO, instance metadata and
 * web identity are left to an SDK-backed {@link RemoteStore}.
 *
 * <p>{@link #toString} names the access key id only: the secret and the token never reach a log.
 *
 * @param sessionToken {@code null} for long-term keys; temporary ones send it as
 *     {@code X-Amz-Security-Token}, signed
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {

    public AwsCredentials {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new RemoteConfigException("AWS credentials need both an access key id and a secret access key");
        }
        if (sessionToken != null && sessionToken.isBlank()) {
            sessionToken = null;
        }
    }

    /** From this process's environment and the user's home directory. */
    public static AwsCredentials find() {
        return find(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * From {@code env} (the environment's variables), else the shared credentials file under
     * {@code home}.
     *
     * @throws RemoteConfigException when none are found, saying where it looked
     */
    public static AwsCredentials find(Map<String, String> env, Path home) {
        String id = nonBlank(env.get("AWS_ACCESS_KEY_ID"));
        String secret = nonBlank(env.get("AWS_SECRET_ACCESS_KEY"));
        if (id != null && secret != null) {
            return new AwsCredentials(id, secret, nonBlank(env.get("AWS_SESSION_TOKEN")));
        }
        if (id != null || secret != null) {
            throw new RemoteConfigException((id != null ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                    : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not") + ": set both, or neither to use "
                    + "~/.aws/credentials");
        }
        String fileSetting = nonBlank(env.get("AWS_SHARED_CREDENTIALS_FILE"));
        Path file = fileSetting != null ? Path.of(fileSetting) : home.resolve(".aws").resolve("credentials");
        String profileSetting = nonBlank(env.get("AWS_PROFILE"));
        String profile = profileSetting != null ? profileSetting : "default";
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RemoteConfigException("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
                    + " and " + file + " does not exist");
        } catch (IOException e) {
            throw new RemoteConfigException("cannot read AWS credentials from " + file + ": " + e);
        }
        Map<String, String> values = profile(lines, profile);
        if (values == null) {
            throw new RemoteConfigException("no profile [" + profile + "] in " + file);
        }
        String fileId = nonBlank(values.get("aws_access_key_id"));
        String fileSecret = nonBlank(values.get("aws_secret_access_key"));
        if (fileId == null || fileSecret == null) {
            throw new RemoteConfigException("profile [" + profile + "] in " + file + " has no "
                    + (fileId == null ? "aws_access_key_id" : "aws_secret_access_key"));
        }
        return new AwsCredentials(fileId, fileSecret, nonBlank(values.get("aws_session_token")));
    }

    /**
     * The {@code key = value} lines of section {@code [name]} (or {@code [profile name]}) of an INI
     * file, keys in lower case; {@code null} when there is no such section. Lines starting with
     * {@code #} or {@code ;} are comments; blank lines and spaces around names and values are ignored.
     */
    static Map<String, String> profile(List<String> lines, String name) {
        Map<String, String> values = null;
        boolean inSection = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String section = line.substring(1, line.length() - 1).strip();
                if (section.startsWith("profile ")) {
                    section = section.substring("profile ".length()).strip();
                }
                inSection = section.equals(name);
                if (inSection && values == null) {
                    values = new HashMap<>();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (inSection && eq > 0) {
                values.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public String toString() {
        return "AwsCredentials[accessKeyId=" + accessKeyId + (sessionToken != null ? ", with a session token" : "") + "]";
    }
}
