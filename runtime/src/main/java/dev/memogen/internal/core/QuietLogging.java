package dev.memogen.internal.core;

import dev.memogen.internal.fingerprint.FingerprintInputs;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Whether memogen's DEBUG and TRACE messages are known to be off without asking the logger. Asking
 * starts the logging backend: {@code System.getLogger} looks for a {@code LoggerFinder} over the
 * class path and starts {@code java.util.logging}'s {@code LogManager}, some 13 ms of a fresh
 * JVM's first store read on JDK 17 (measured: 12 ms of wall time of a whole hit). The JDK makes
 * the same decision for its own loggers ({@code jdk.internal.logger.BootstrapLogger}: while the
 * default backend has no custom configuration and {@code LogManager} has not started, a system
 * logger is a simple one and {@code java.util.logging} is not started).
 *
 * <p>Known off means all of:
 * <ul>
 * <li>{@code java.util.logging} is the backend: no {@code System.LoggerFinder} provider on the
 *     class path or in a module of the boot layer (SLF4J's and Log4j's bridges are such
 *     providers);</li>
 * <li>it is configured by the JDK's file only: none of the properties
 *     {@code java.util.logging.config.file}, {@code java.util.logging.config.class},
 *     {@code java.util.logging.manager} is set, and that file ({@code conf/logging.properties}
 *     in {@code java.home}) names no {@code config} class;</li>
 * <li>that file's level for {@code dev.memogen} ({@code dev.memogen.level}, else
 *     {@code dev.level}, else {@code .level}, else INFO) is above {@code FINE};</li>
 * <li>{@code LogManager} has not started: configuring {@code java.util.logging} in code
 *     ({@code Logger.getLogger("dev.memogen").setLevel(...)}, a bridge's handler) starts it
 *     first. It is seen from the global logger, which gets its parent, the root logger, when
 *     {@code LogManager} starts, and whose class is loaded without starting it.</li>
 * </ul>
 * The first three are decided once (whether the class path holds a provider kept in the store
 * across runs: {@link ClassPathAnswers}); the last is looked at each time (a volatile read), so that
 * logging configured in code after memogen's first store read is seen from the next question on.
 * Anything unexpected (a level that does not parse, {@code java.logging} missing from a jlink'd
 * runtime) means: ask the logger.
 */
final class QuietLogging {
    private QuietLogging() {}

    /** {@code java.util.logging.Level.FINE}'s value: DEBUG. */
    static final int FINE = 500;

    /** Whether the JDK's defaults leave DEBUG off ({@link #jdkDefaultsAboveDebug}), once decided; null until then. */
    private static volatile Boolean aboveDebug;

    /** The thread deciding {@link #aboveDebug}; guarded by {@code QuietLogging.class}. */
    private static Thread decider;

    /** Whether DEBUG (and so TRACE) is off for {@code dev.memogen}, known without asking the logger. */
    static boolean debugKnownOff() {
        return debugKnownOff(null);
    }

    /**
     * {@link #debugKnownOff()}, deciding, the first time, with the answers kept in {@code keptIn}
     * (may be null: none). The deciding thread's own store read and write (of a kept answer) log
     * nothing: its questions while deciding are answered "off". A thread that asks while another
     * decides does not wait for it (the decider, reading the store, may be waiting on a lock that
     * thread holds): the answer is decided without kept answers ({@link WithoutStore}), once.
     */
    static boolean debugKnownOff(StoredEntries keptIn) {
        Boolean above = aboveDebug;
        if (above == null) {
            Thread me = Thread.currentThread();
            Thread other = claim(me);
            if (other == me) {
                return true; // the decision's own store read or write
            }
            if (other != null) {
                return WithoutStore.ABOVE_DEBUG && !logManagerStarted();
            }
            try {
                Runnable hook = whileDeciding;
                if (hook != null) {
                    hook.run();
                }
                above = aboveDebug; // decided by a thread that has let go since this one looked
                if (above == null) {
                    above = jdkDefaultsAboveDebug(keptIn);
                    aboveDebug = above;
                }
            } finally {
                release();
            }
        }
        return above && !logManagerStarted();
    }

    /** Run by the deciding thread before it decides: for tests. */
    static Runnable whileDeciding;

    /** The decision without kept answers, for threads that ask while another decides: no store read, no lock of memogen's. */
    private static final class WithoutStore {
        static final boolean ABOVE_DEBUG = jdkDefaultsAboveDebug(null);
    }

    /** Makes {@code me} the decider if there is none; returns the decider that was there (null: {@code me} is now). */
    private static synchronized Thread claim(Thread me) {
        if (decider != null) {
            return decider;
        }
        decider = me;
        return null;
    }

    private static synchronized void release() {
        decider = null;
    }

    @SuppressWarnings("deprecation") // Logger.global: the one logger whose class loads without starting LogManager
    static boolean logManagerStarted() {
        try {
            return java.util.logging.Logger.global.getParent() != null;
        } catch (LinkageError e) {
            return true; // no java.logging: System.Logger's own backend, cheap to ask
        }
    }

    private static boolean jdkDefaultsAboveDebug(StoredEntries keptIn) {
        try {
            if (System.getProperty("java.util.logging.config.file") != null
                    || System.getProperty("java.util.logging.config.class") != null
                    || System.getProperty("java.util.logging.manager") != null
                    || finderProvided(keptIn)) {
                return false;
            }
            Properties jdk = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "conf", "logging.properties"))) {
                jdk.load(in);
            } catch (NoSuchFileException e) {
                // no file: java.util.logging's own defaults (INFO)
            }
            return aboveDebug(jdk);
        } catch (IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether a {@code System.LoggerFinder} provider is on the class path or in a module of the boot layer. */
    private static boolean finderProvided(StoredEntries keptIn) {
        String service = "java.lang.System$LoggerFinder";
        if (onClassPath("META-INF/services/" + service, keptIn)) {
            return true;
        }
        for (Module m : ModuleLayer.boot().modules()) {
            ModuleDescriptor d = m.getDescriptor();
            if (d != null) {
                for (ModuleDescriptor.Provides p : d.provides()) {
                    if (p.service().equals(service)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether the class path holds {@code resource}, as the JDK's application class loader reads
     * it ({@code java.class.path}, an empty entry for the working directory, and the
     * {@code Class-Path} of each jar's manifest), looked at entry by entry ({@link #entriesHold}),
     * which searches nothing else: {@code ClassLoader.getSystemResource} asks the JDK's modules
     * first, which for a name outside any package starts the JDK's image reader in Java (about
     * 7 ms of a fresh hit on JDK 25, measured). Only for the JDK's application class loader
     * ({@link FingerprintInputs#classPathOf} tells); a system class loader of the program's own
     * ({@code java.system.class.loader}) is asked as it is. With {@code keptIn}, the answer an
     * earlier run kept there is used while what it met is unchanged, and a new one is kept
     * ({@link ClassPathAnswers}).
     */
    static boolean onClassPath(String resource, StoredEntries keptIn) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (FingerprintInputs.classPathOf(system) == null) {
            return system.getResource(resource) != null;
        }
        return classPathHolds(System.getProperty("java.class.path", ""), resource, keptIn);
    }

    /** Whether {@code classPath} holds {@code resource}: {@link #entriesHold}, with the answer kept in {@code keptIn} (may be null). */
    static boolean classPathHolds(String classPath, String resource, StoredEntries keptIn) {
        if (keptIn == null) {
            return entriesHold(classPath, resource, null);
        }
        long start = System.nanoTime();
        long[] key = ClassPathAnswers.key(classPath, resource);
        int kept = ClassPathAnswers.read(keptIn, key, resource);
        if (kept != ZipNames.UNKNOWN) {
            return kept == ZipNames.YES;
        }
        ClassPathAnswers.Walk walk = new ClassPathAnswers.Walk();
        boolean holds = entriesHold(classPath, resource, walk);
        ClassPathAnswers.keep(keptIn, key, holds, walk, System.nanoTime() - start);
        return holds;
    }

    /**
     * Whether an entry of {@code classPath} (as {@code java.class.path} gives it: an empty entry is
     * the working directory) holds {@code resource}: a directory when the file is there, a jar by
     * its central directory ({@link ZipNames}, much cheaper than the class loader's reading of a
     * jar: 60 ms for 80 jars in a fresh JVM, measured), and the jars and directories a jar's
     * manifest names ({@code Class-Path}, resolved against the jar as the JDK resolves it) in turn,
     * each once. A jar that cannot be told that way (one it does not read, a {@code Class-Path} it
     * does not resolve as the JDK would) is asked of a class loader over it alone, which reads it
     * and the jars it names as the application class loader does. An entry that is missing, or
     * neither a directory nor a file, holds nothing, as for the class loader. {@code walk}, if not
     * null, records what was met.
     */
    static boolean entriesHold(String classPath, String resource, ClassPathAnswers.Walk walk) {
        ZipNames zips = new ZipNames();
        java.util.ArrayDeque<Path> todo = new java.util.ArrayDeque<>();
        for (String entry : classPath.split(java.io.File.pathSeparator, -1)) {
            todo.add(Path.of(entry.isEmpty() ? "." : entry));
        }
        java.util.Set<Path> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Path p = todo.poll();
            if (!seen.add(p.toAbsolutePath().normalize())) {
                continue;
            }
            if (Files.isDirectory(p)) {
                if (walk != null) {
                    walk.directory(p);
                }
                if (Files.exists(p.resolve(resource))) {
                    return true;
                }
            } else if (Files.isRegularFile(p)) {
                if (walk != null) {
                    walk.jar(p);
                }
                int found = zips.find(p, resource);
                if (found == ZipNames.YES) {
                    return true;
                }
                if (found == ZipNames.UNKNOWN) {
                    java.util.List<Path> named = zips.classPath() == null ? null : named(p, zips.classPath());
                    if (named != null) {
                        todo.addAll(named);
                    } else {
                        if (walk != null) {
                            walk.keepable = false; // the class loader read what the walk did not see
                        }
                        if (loaderFinds(p, resource)) {
                            return true;
                        }
                    }
                }
            } else if (walk != null) {
                walk.missing(p);
            }
        }
        return false;
    }

    /**
     * The files that the {@code Class-Path} {@code value} of {@code jar}'s manifest names, as the
     * JDK's class path resolves its tokens (URLs relative to the jar's; one with a colon that is
     * not a {@code file:} URL is ignored); {@code null} when they are not told here: that check
     * turned off ({@code jdk.net.URLClassPath.disableClassPathURLCheck}), a URL that is no local
     * path.
     */
    static java.util.List<Path> named(Path jar, String value) {
        if (System.getProperty("jdk.net.URLClassPath.disableClassPathURLCheck") != null) {
            return null;
        }
        try {
            java.net.URL base = jar.toUri().toURL();
            java.util.List<Path> out = new java.util.ArrayList<>();
            java.util.StringTokenizer tokens = new java.util.StringTokenizer(value);
            while (tokens.hasMoreTokens()) {
                String token = tokens.nextToken();
                @SuppressWarnings("deprecation") // the JDK's own resolution of Class-Path entries (URLClassPath)
                java.net.URL url = new java.net.URL(base, token);
                if (!"file".equalsIgnoreCase(url.getProtocol())) {
                    if (token.indexOf(':') >= 0) {
                        continue; // ignored by the JDK
                    }
                    return null;
                }
                out.add(Path.of(url.toURI()));
            }
            return out;
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** How many jars {@link #entriesHold} has asked of a class loader: for tests. */
    static int loaderAsked;

    private static boolean loaderFinds(Path jar, String resource) {
        loaderAsked++;
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null)) {
            return loader.findResource(resource) != null;
        } catch (IOException e) {
            return true; // cannot tell: the logger is asked
        }
    }

    /** Whether {@code config}, read as {@code java.util.logging} reads it, leaves {@code dev.memogen} above FINE with no code run. */
    static boolean aboveDebug(Properties config) {
        if (config.getProperty("config") != null) {
            return false; // classes instantiated when LogManager starts: they may set any level
        }
        String level = config.getProperty("dev.memogen.level");
        if (level == null) {
            level = config.getProperty("dev.level");
        }
        if (level == null) {
            level = config.getProperty(".level");
        }
        return levelValue(level == null ? "INFO" : level.trim()) > FINE;
    }

    /** A level's value as {@code java.util.logging.Level.parse} gives it for a standard name or a number; {@code Integer.MIN_VALUE} for anything else. */
    static int levelValue(String name) {
        switch (name) {
            case "OFF": return Integer.MAX_VALUE;
            case "SEVERE": return 1000;
            case "WARNING": return 900;
            case "INFO": return 800;
            case "CONFIG": return 700;
            case "FINE": return 500;
            case "FINER": return 400;
            case "FINEST": return 300;
            case "ALL": return Integer.MIN_VALUE;
            default:
                try {
                    return Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    return Integer.MIN_VALUE; // a localized name, or none that parses: ask
                }
        }
    }
}
