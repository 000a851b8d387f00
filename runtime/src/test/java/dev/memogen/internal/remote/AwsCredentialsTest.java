package dev.memogen.internal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link AwsCredentials} are found, in the order the AWS tools look. */
class AwsCredentialsTest {
    private static final String FILE = """
            # a comment
            ; another comment
              [default]
            aws_access_key_id = AKIDDEFAULT
              aws_secret_access_key=secretDefault   \s

            [ci]
            aws_access_key_id=AKIDCI
            aws_secret_access_key = secret/CI+key=
            aws_session_token = tokenCI
            [profile team]
            AWS_ACCESS_KEY_ID = AKIDTEAM
            aws_secret_access_key = secretTeam
            [broken]
            aws_access_key_id = AKIDBROKEN
            """;

    @TempDir
    Path home;

    @Test
    void theEnvironmentComesFirst() throws IOException {
        writeCredentials();
        AwsCredentials c = AwsCredentials.find(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY",
                "secretEnv", "AWS_SESSION_TOKEN", "tokenEnv"), home);
        assertEquals(new AwsCredentials("AKIDENV", "secretEnv", "tokenEnv"), c);
    }

    @Test
    void thenTheDefaultProfileOfTheCredentialsFile() throws IOException {
        writeCredentials();
        assertEquals(new AwsCredentials("AKIDDEFAULT", "secretDefault", null), AwsCredentials.find(Map.of(), home));
    }

    @Test
    void awsProfileChoosesAnotherProfileWithItsToken() throws IOException {
        writeCredentials();
        assertEquals(new AwsCredentials("AKIDCI", "secret/CI+key=", "tokenCI"),
                AwsCredentials.find(Map.of("AWS_PROFILE", "ci"), home));
        assertEquals(new AwsCredentials("AKIDTEAM", "secretTeam", null),
                AwsCredentials.find(Map.of("AWS_PROFILE", "team"), home));
    }

    @Test
    void awsSharedCredentialsFileMovesTheFile() throws IOException {
        Path elsewhere = home.resolve("elsewhere.ini");
        Files.writeString(elsewhere, "[default]\naws_access_key_id=AKIDMOVED\naws_secret_access_key=moved\n");
        assertEquals(new AwsCredentials("AKIDMOVED", "moved", null),
                AwsCredentials.find(Map.of("AWS_SHARED_CREDENTIALS_FILE", elsewhere.toString()), home));
    }

    @Test
    void whatIsMissingIsSaid() throws IOException {
        RemoteConfigException none = assertThrows(RemoteConfigException.class, () -> AwsCredentials.find(Map.of(), home));
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
        writeCredentials();
        RemoteConfigException profile = assertThrows(RemoteConfigException.class,
                () -> AwsCredentials.find(Map.of("AWS_PROFILE", "nope"), home));
        assertTrue(profile.getMessage().contains("no profile [nope]"), profile.getMessage());
        RemoteConfigException secret = assertThrows(RemoteConfigException.class,
                () -> AwsCredentials.find(Map.of("AWS_PROFILE", "broken"), home));
        assertTrue(secret.getMessage().contains("has no aws_secret_access_key"), secret.getMessage());
        RemoteConfigException half = assertThrows(RemoteConfigException.class,
                () -> AwsCredentials.find(Map.of("AWS_ACCESS_KEY_ID", "AKIDHALF"), home));
        assertTrue(half.getMessage().contains("AWS_SECRET_ACCESS_KEY is not"), half.getMessage());
    }

    @Test
    void toStringNamesTheKeyIdButNotTheSecretNorTheToken() {
        String text = new AwsCredentials("AKIDSHOWN", "secretHidden", "tokenHidden").toString();
        assertTrue(text.contains("AKIDSHOWN"), text);
        assertFalse(text.contains("secretHidden") || text.contains("tokenHidden"), text);
    }

    private void writeCredentials() throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws").resolve("credentials"), FILE);
    }
}
