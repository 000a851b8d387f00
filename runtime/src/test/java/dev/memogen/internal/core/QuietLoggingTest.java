package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link QuietLogging} reads a {@code java.util.logging} configuration, and that a thread
 * asking while another decides does not wait for it (the cross-JVM cases of logging turned on:
 * {@code QuietLoggingJvmTest}).
 */
class QuietLoggingTest {
    @TempDir
    Path dir;

    /** In a JVM of its own ({@link DecisionWorker}): the decision is made once per JVM. */
    @Test
    void aThreadThatAsksWhileAnotherDecidesGetsItsAnswerWithoutWaiting() throws Exception {
        String out = Jvms.run(DecisionWorker.class, dir);
        assertTrue(out.contains("answeredWhileDeciding=true other=true decided=true"), out);
    }

    private static Properties config(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void theJdksOwnFileLeavesDebugOff() throws IOException {
        assertTrue(QuietLogging.aboveDebug(config("handlers= java.util.logging.ConsoleHandler\n.level= INFO\n"
                + "java.util.logging.ConsoleHandler.level = INFO\n")));
        assertTrue(QuietLogging.aboveDebug(config("")), "no level: INFO");
    }

    @Test
    void theNearestLevelOfDevMemogenDecides() throws IOException {
        assertFalse(QuietLogging.aboveDebug(config(".level=INFO\ndev.memogen.level=FINE\n")));
        assertFalse(QuietLogging.aboveDebug(config(".level=INFO\ndev.level=FINER\n")));
        assertFalse(QuietLogging.aboveDebug(config(".level=ALL\n")));
        assertTrue(QuietLogging.aboveDebug(config(".level=ALL\ndev.level=WARNING\n")));
        assertTrue(QuietLogging.aboveDebug(config(".level=FINE\ndev.memogen.level=CONFIG\n")));
        assertFalse(QuietLogging.aboveDebug(config(".level=500\n")), "a number is a level");
        assertTrue(QuietLogging.aboveDebug(config(".level=501\n")));
    }

    @Test
    void anythingUnexpectedMeansAskTheLogger() throws IOException {
        assertFalse(QuietLogging.aboveDebug(config(".level=verbose\n")), "a level that does not parse");
        assertFalse(QuietLogging.aboveDebug(config(".level=INFO\nconfig=com.example.LogSetup\n")), "a class run at start");
        assertEquals(Integer.MIN_VALUE, QuietLogging.levelValue("fine"), "names are upper case");
    }
}
