package dev.memogen.internal.store;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * File mappings that can be let go of at once: a pack deleted by a compaction gives its disk
 * space and address space back when its last reader is done, not at some later garbage
 * collection. Without this, a busy store kept dozens of deleted packs mapped (measured: up to
 * 132 MiB under a 16 MiB bound).
 *
 * <p>The JDK has no public way to unmap a {@link java.nio.MappedByteBuffer} before JDK 22. So:
 * <ul>
 * <li>JDK 22 and later: the file is mapped into a shared {@code java.lang.foreign.Arena}
 * ({@code FileChannel.map(mode, offset, size, arena)}, final since JDK 22) and read through the
 * segment's byte buffer; closing the arena unmaps it. Public API, no warning, no flag.
 * <li>JDK 17 to 21: {@code sun.misc.Unsafe.invokeCleaner}, from the {@code jdk.unsupported}
 * module that the JDK keeps for this use. It prints no warning on those versions (the
 * memory-access warnings start with JDK 24, which takes the first path). Where it cannot be
 * reached (a module-path application that does not resolve {@code jdk.unsupported}), a
 * mapping is left to the garbage collector, as before.
 * </ul>
 * Both are called through method handles found once, so that the class compiles for release 17.
 * An unmapped buffer must never be touched again (with Unsafe, a touch would crash the JVM):
 * {@link Packs.Mapped} counts its users and unmaps only when the last one is done.
 */
final class Mappings {
    /** A mapping and what unmaps it: the arena (JDK 22+) or null (Unsafe, or the collector). */
    record Mapping(ByteBuffer buffer, AutoCloseable arena) {}

    private static final MethodHandle OF_SHARED;
    private static final MethodHandle MAP_IN_ARENA;
    private static final MethodHandle AS_BYTE_BUFFER;

    static {
        MethodHandle ofShared = null;
        MethodHandle mapInArena = null;
        MethodHandle asByteBuffer = null;
        if (featureVersion() >= 22) {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            try {
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                ofShared = lookup.findStatic(arena, "ofShared", MethodType.methodType(arena));
                mapInArena = lookup.findVirtual(FileChannel.class, "map", MethodType.methodType(segment,
                        FileChannel.MapMode.class, long.class, long.class, arena));
                asByteBuffer = lookup.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                ofShared = null; // mapped the plain way, left to the collector
            }
        }
        OF_SHARED = ofShared;
        MAP_IN_ARENA = mapInArena;
        AS_BYTE_BUFFER = asByteBuffer;
    }

    /**
     * {@code Unsafe.invokeCleaner} (JDK 17 to 21), found at the first unmap: a JVM that only
     * reads never unmaps, and finding it (reflection, a bound method handle) cost about 2.5 ms of
     * a fresh JVM's first pack read when it was done with the first mapping.
     */
    private static final class Cleaner {
        static final MethodHandle INVOKE_CLEANER = find();

        private static MethodHandle find() {
            if (featureVersion() >= 22) {
                return null; // arenas unmap (or, where Arena was not found, the collector: never Unsafe there)
            }
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                java.lang.reflect.Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                return MethodHandles.publicLookup().findVirtual(unsafeClass, "invokeCleaner",
                        MethodType.methodType(void.class, ByteBuffer.class)).bindTo(theUnsafe.get(null));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // left to the collector
            }
        }
    }

    private Mappings() {}

    /**
     * The JDK's feature version, from {@code java.specification.version} ("17", "25"): what
     * {@code Runtime.version().feature()} gives, without parsing the full version string (which
     * loads regular expressions into a JVM that may need none).
     */
    private static int featureVersion() {
        try {
            return Integer.parseInt(System.getProperty("java.specification.version", "17"));
        } catch (NumberFormatException e) {
            return Runtime.version().feature();
        }
    }

    /** Whether {@link #unmap} gives a mapping back at once on this JVM (else the collector does). */
    static boolean unmapsAtOnce() {
        return OF_SHARED != null || Cleaner.INVOKE_CLEANER != null;
    }

    /** Maps the first {@code size} bytes of the file open in {@code channel}. */
    static Mapping map(FileChannel channel, FileChannel.MapMode mode, long size) throws IOException {
        if (OF_SHARED != null) {
            AutoCloseable arena;
            try {
                arena = (AutoCloseable) OF_SHARED.invoke();
            } catch (Throwable e) {
                throw new IllegalStateException("Arena.ofShared failed", e);
            }
            try {
                Object segment = MAP_IN_ARENA.invoke(channel, mode, 0L, size, arena);
                return new Mapping((ByteBuffer) AS_BYTE_BUFFER.invoke(segment), arena);
            } catch (IOException | RuntimeException | Error e) {
                close(arena);
                throw e;
            } catch (Throwable e) {
                close(arena);
                throw new IOException(e);
            }
        }
        return new Mapping(channel.map(mode, 0, size), null);
    }

    /**
     * Unmaps {@code mapping}, which nobody may touch from now on. Failures leave it to the
     * collector (or, for an arena that would not close, to the end of the JVM): never an error.
     */
    static void unmap(Mapping mapping) {
        if (mapping.arena() != null) {
            close(mapping.arena());
        } else if (Cleaner.INVOKE_CLEANER != null) {
            try {
                Cleaner.INVOKE_CLEANER.invokeExact(mapping.buffer());
            } catch (Throwable e) {
                // not a direct buffer the cleaner knows: the collector unmaps it
            }
        }
    }

    private static void close(AutoCloseable arena) {
        try {
            arena.close();
        } catch (Exception e) {
            // still in use (cannot happen: users are counted first); unmapped when the JVM ends
        }
    }
}
