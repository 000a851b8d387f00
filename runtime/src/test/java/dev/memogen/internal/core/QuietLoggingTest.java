package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** How {@link QuietLogging} reads a {@code java.util.logging} configuration (the cross-JVM cases: {@code QuietLoggingJvmTest}). */
class QuietLoggingTest {
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
