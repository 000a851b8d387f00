package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThisProcessTest {
    @TempDir
    Path dir;

    @Test
    void thePidIsTheOneProcessHandleGives() {
        assertEquals(ProcessHandle.current().pid(), ThisProcess.pid());
    }

    private long parse(String status) throws IOException {
        Path file = dir.resolve("status");
        Files.writeString(file, status);
        return ThisProcess.fromStatus(file);
    }

    @Test
    void theLastNumberOfNsPidIsThePidInTheProcesssOwnNamespace() throws IOException {
        assertEquals(4242, parse("Name:\tjava\nPid:\t4242\nNSpid:\t4242\nNSpgid:\t4242\n"));
        assertEquals(7, parse("Name:\tjava\nPid:\t91234\nNSpid:\t91234\t7\nNSpgid:\t91234\t7\n"), "a container's pid");
        assertEquals(12, parse("NSpid:\t3 12"), "first line, no newline");
    }

    @Test
    void withoutAUsableNsPidLineTheAnswerIsNone() throws IOException {
        assertEquals(-1, parse("Name:\tjava\nPid:\t4242\n"), "Linux before 4.1");
        assertEquals(-1, parse("Name:\tjava\nNSpid:\t\n"));
        assertEquals(-1, parse("NSpid:\tx12\n"));
        assertEquals(-1, parse("NSpid:\t0\n"));
        assertEquals(-1, parse("NSpid:\t99999999999999999999999\n"));
        assertEquals(-1, ThisProcess.fromStatus(dir.resolve("missing")));
    }
}
