package dev.memogen.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's process id, as {@code getpid()} gives it: the dirty mark of the index, the names of
 * temporary files and the process that asks for the lock. Read from {@code /proc/self/status} on
 * Linux, where {@link ProcessHandle#current()} would first start {@code ProcessHandle}'s machinery (a
 * thread pool and a lambda; about 5 ms of a fresh JVM's exit, which adds its counts to the store
 * under the lock). Elsewhere, and wherever that file says nothing usable, from
 * {@link ProcessHandle}.
 */
public final class ThisProcess {
    private ThisProcess() {}

    public static long pid() {
        return Holder.PID;
    }

    private static final class Holder {
        static final long PID = find();
    }

    private static long find() {
        long pid = fromStatus(Path.of("/proc/self/status"));
        return pid > 0 ? pid : ProcessHandle.current().pid();
    }

    /**
     * The process id in the process's own pid namespace from a {@code /proc/<pid>/status} file: the
     * last number of its {@code NSpid:} line (one number per pid namespace, from that of the
     * mounted {@code /proc} down to the process's own; Linux 4.1 and later), or -1 without one.
     */
    static long fromStatus(Path status) {
        String text;
        try {
            text = new String(Files.readAllBytes(status), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        int at = text.startsWith("NSpid:") ? 0 : text.indexOf("\nNSpid:") + 1;
        if (at == 0 && !text.startsWith("NSpid:")) {
            return -1;
        }
        int end = text.indexOf('\n', at);
        end = end < 0 ? text.length() : end;
        while (end > at && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > at && text.charAt(start - 1) >= '0' && text.charAt(start - 1) <= '9') {
            start--;
        }
        if (start == end || end - start > 18 || !Character.isWhitespace(text.charAt(start - 1))) {
            return -1;
        }
        long pid = Long.parseLong(text, start, end, 10);
        return pid > 0 ? pid : -1;
    }
}
