package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.testing.compile.Compilation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The function version written into generated code follows the method, not its formatting. */
class VersionTest {
    private static final String BASE = "  static Fit fit(int n) { return new Fit(n * 2); }";

    private static String version(String record, String method) {
        Compilation c = TestCompiler.compile(TestCompiler.source("p.V",
                "package p;",
                "import dev.memogen.*;",
                "@GenerateMemo",
                "final class V {",
                record,
                method,
                "}"));
        assertThat(c).succeeded();
        // create("p.V#fit(int)", V.class, "fit", "(I)Lp/V$Fit;", compileVersion, sourceFingerprint, ...)
        Matcher m = Pattern.compile("\"p.V#fit\\(int\\)\",\\s*V.class,\\s*\"fit\",\\s*\"\\(I\\)Lp/V\\$Fit;\",\\s*"
                + "\"([0-9a-f]{32})\",\\s*\"([0-9a-f]{32})\"")
                .matcher(TestCompiler.generatedSource(c, "p.VMemo"));
        if (!m.find()) {
            throw new AssertionError("no version found in " + TestCompiler.generatedSource(c, "p.VMemo"));
        }
        return m.group(1) + "/" + m.group(2);
    }

    private static final String RECORD = "  record Fit(int value) {}";

    @Test
    void formattingAndCommentsKeepTheVersion() {
        String base = version(RECORD, BASE);
        assertEquals(base, version(RECORD, "  static Fit fit(int n) {\n    // doubles n\n    return new Fit(n  *  2);\n\n  }"));
        assertEquals(base, version(RECORD, "  /** Javadoc. */ static Fit fit(int n) { /* inline */ return new Fit(n * 2); }"));
    }

    @Test
    void bodyVersionAndResultShapeChangeTheVersion() {
        String base = version(RECORD, BASE);
        assertNotEquals(base, version(RECORD, "  static Fit fit(int n) { return new Fit(n * 3); }"));
        assertNotEquals(base, version(RECORD, "  @Memo(version = \"2\")" + BASE));
        assertNotEquals(base, version("  record Fit(int value, int extra) { Fit(int value) { this(value, 0); } }", BASE));
        assertNotEquals(base, version("  record Fit(long value) { Fit(int value) { this((long) value); } }", BASE));
    }
}
