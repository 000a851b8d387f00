package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The generated source for a small class, compared whole: guards against generated code that
 * works but reads badly (stray casts, odd names, code on the hit path that need not be there).
 */
class GoldenSourceTest {
    @Test
    void smallClass() {
        Compilation c = TestCompiler.compile(TestCompiler.source("com.acme.Spectra",
                "package com.acme;",
                "import dev.memogen.GenerateMemo;",
                "import dev.memogen.Memo;",
                "@GenerateMemo",
                "public final class Spectra {",
                "  public record Fit(double slope, String label) {}",
                "  static long area(int width, int height) { return (long) width * height; }",
                "  @Memo(version = \"3\")",
                "  public static Fit fit(double[] signal, String label) { return new Fit(signal.length, label); }",
                "  public static double scale(Fit fit, double factor) { return fit.slope() * factor; }",
                "  public record Span(int from, Span next) {}",
                "  public static Span tail(Span span) { return span.next(); }",
                "}"));
        assertThat(c).succeeded();
        String generated = TestCompiler.generatedSource(c, "com.acme.SpectraMemo");
        // The function version fingerprints javac's printed syntax tree, which JDKs print
        // differently; VersionTest covers it. Everything else must match to the character.
        String normalised = generated.replaceAll("\"[0-9a-f]{32}\"", "\"<function version>\"");
        if (Boolean.getBoolean("memogen.updateGolden")) {
            // mvn -pl processor -am test -Dtest=GoldenSourceTest -Dmemogen.updateGolden=true -Dsurefire.failIfNoSpecifiedTests=false
            write("src/test/resources/golden/SpectraMemo.java", normalised);
        }
        assertEquals(golden("golden/SpectraMemo.java"), normalised);
    }

    private static void write(String file, String text) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String golden(String resource) {
        try (InputStream in = GoldenSourceTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
