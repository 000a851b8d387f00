package dev.memogen.internal.fingerprint;

import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The code fingerprint of a memoized method: a digest of the bytecode of the method and of
 * everything it can run, read from the class files the JVM actually loads. It changes when the
 * method, a method it calls (directly or not, in any class of the application), a constant it
 * reads, a lambda or nested class it uses, or an override a virtual call in it can reach
 * changes; it does not change for comments, formatting, blank lines or renamed locals, nor for
 * edits to code it cannot reach.
 *
 * <p>What counts as "the application": classes loaded from a directory, and classes from the same
 * jar as the memoized method. Their methods are followed one by one. Any other jar counts as a
 * whole, by a digest of its content; JDK classes count by the JDK's version. memogen's own
 * runtime classes do not count.
 *
 * <p>Virtual calls are resolved as in rapid type analysis: an override counts when its class is
 * instantiated by the code reached (or arrives as an argument), since only then can it run.
 * Every instance method of such a class counts.
 *
 * <p>Bytecode is normalised before hashing: constant-pool indices are replaced by what they
 * point to (so unrelated constants do not matter), debug attributes are never read, and the
 * names javac gives lambdas are left out (bodies count, not names).
 */
public final class CodeFingerprint {

    /**
     * The outcome: the digest, what was reached, mutable static fields read on the way, and what
     * it was computed from ({@link #inputs}; {@code reusable} when none of it was modified so
     * recently that a change could have left its times as they were).
     */
    public record Result(String digest, int methods, int classes, List<String> externals, List<String> mutableStatics,
            List<FingerprintInputs.Input> inputs, boolean reusable) {}

    /** A class looked up: the parsed class file or the label of what stands for it, and where it came from. */
    private record Resolved(Object what, FingerprintInputs.Input input, long modifiedMillis) {}

    private static final Map<String, String> JAR_DIGESTS = new ConcurrentHashMap<>();
    /** The JDK's classes stand for themselves by this label ({@link FingerprintInputs#jdk}). */
    private static final String JDK = FingerprintInputs.jdk();

    private final ClassLoader loader;
    /**
     * The class path alone, when {@link #loader} is the application class loader
     * ({@link FingerprintInputs#classPathOf}): an application class is looked up there, not first
     * in the JDK's modules, which for a package of none of them searches the JDK's image twice
     * (the boot and the platform loader's), about 8 ms of a fresh JVM's first fingerprint of 53
     * classes (JDK 17, async-profiler).
     */
    private final java.net.URLClassLoader classPath;
    private final String home; // origin of the memoized class: classes from it are followed
    /**
     * Parsed class files (or the label of an external origin) per class loader, shared by the
     * fingerprints of all functions in this JVM: class files do not change under a running JVM.
     */
    private static final Map<ClassLoader, Map<String, Resolved>> PARSED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final Map<String, Resolved> classes; // home + name -> what was found
    /** Every class looked up but memogen's own, by name: what the result was computed from. */
    private final Map<String, FingerprintInputs.Input> inputs = new java.util.TreeMap<>();
    private long newestModified = Long.MIN_VALUE;
    private final Set<String> reachedClasses = new HashSet<>();
    private final Set<String> visited = new HashSet<>();
    private final Deque<String[]> queue = new ArrayDeque<>();
    private final Set<String> externals = new TreeSet<>();
    private final Set<String> mutableStatics = new TreeSet<>();
    private final Set<String> instantiated = new HashSet<>();
    private final Xxh3Stream out = new Xxh3Stream();
    private int methodCount;

    private CodeFingerprint(ClassLoader loader, String home) {
        this.loader = loader;
        this.classPath = FingerprintInputs.classPathOf(loader);
        this.home = home;
        Map<String, Resolved> parsed;
        synchronized (PARSED) { // the synchronized map's lock; no computeIfAbsent lambda to spin at a JVM's first fingerprint
            parsed = PARSED.get(loader);
            if (parsed == null) {
                parsed = new ConcurrentHashMap<>();
                PARSED.put(loader, parsed);
            }
        }
        this.classes = parsed;
    }

    /**
     * Fingerprints {@code owner.method(descriptor)}. {@code valueClasses} are the records and
     * enums its parameter and return types hold (binary names): their instances reach the
     * method without being created in it. Throws if the class files cannot be read (a class
     * loader that does not expose them); callers then fall back to the compile-time fingerprint.
     */
    public static Result compute(Class<?> owner, String method, String descriptor, List<String> valueClasses)
            throws IOException {
        ClassLoader loader = owner.getClassLoader() != null ? owner.getClassLoader() : ClassLoader.getSystemClassLoader();
        String internal = owner.getName().replace('.', '/');
        URL url = loader.getResource(internal + ".class");
        if (url == null) {
            throw new IOException("class file of " + owner.getName() + " is not readable");
        }
        CodeFingerprint f = new CodeFingerprint(loader, rootOf(url, internal));
        f.enqueue(internal, method, descriptor);
        for (String v : valueClasses) {
            f.instantiate(v.replace('.', '/')); // arguments arrive as instances of these
        }
        long started = System.currentTimeMillis();
        f.run();
        f.out.finish();
        return new Result(Hex.of(f.out.high()) + Hex.of(f.out.low()),
                f.methodCount, f.reachedClasses.size(),
                List.copyOf(f.externals), List.copyOf(f.mutableStatics), List.copyOf(f.inputs.values()),
                f.newestModified < started - FingerprintInputs.RACY_MILLIS);
    }

    private void run() throws IOException {
        while (!queue.isEmpty()) {
            String[] next = queue.poll();
            visit(next[0], next[1], next[2]);
        }
        out.int32(externals.size());
        for (String e : externals) {
            put(e);
        }
    }

    private void enqueue(String owner, String name, String descriptor) {
        queue.add(new String[] {owner, name, descriptor});
    }

    // ---- origins ----

    /** The class file of an application class, or {@code null} for an external or missing one. */
    private ClassFileReader load(String internal) throws IOException {
        String key = home + '\n' + internal; // what is "the application" depends on the home
        Resolved resolved = classes.get(key);
        if (resolved == null) {
            resolved = resolve(internal);
            classes.put(key, resolved);
        }
        if (resolved.input != null) {
            inputs.put(internal, resolved.input);
            newestModified = Math.max(newestModified, resolved.modifiedMillis);
        }
        Object known = resolved.what;
        if (known instanceof ClassFileReader c) {
            reachedClasses.add(internal);
            return c;
        }
        if (!known.equals(MEMOGEN)) {
            externals.add((String) known);
        }
        return null;
    }

    private static final String MEMOGEN = "memogen";

    /** A parsed application class, or the label of the external code it belongs to. */
    private Resolved resolve(String internal) throws IOException {
        if (isMemogenRuntime(internal)) {
            return new Resolved(MEMOGEN, null, Long.MIN_VALUE);
        }
        if (internal.startsWith("[")) {
            return new Resolved(JDK, null, Long.MIN_VALUE); // an array type (clone() of a double[]): the JVM's code
        }
        URL url = FingerprintInputs.classFile(classPath, loader, internal, null);
        if (url == null) {
            return new Resolved("missing " + internal, new FingerprintInputs.Input(internal, null, null, null), Long.MIN_VALUE);
        }
        String protocol = url.getProtocol();
        if (protocol.equals("jrt")) {
            return new Resolved(JDK, new FingerprintInputs.Input(internal, url.toString(), null, null), Long.MIN_VALUE);
        }
        String root = rootOf(url, internal);
        // The file's stat is taken before it is read: a change after that makes it differ.
        Path file = protocol.equals("jar") ? jarPath(root) : protocol.equals("file") ? filePath(url) : null;
        FingerprintInputs.Stat stat = file == null ? null : FingerprintInputs.stat(file);
        FingerprintInputs.Input input = new FingerprintInputs.Input(internal, url.toString(), file == null ? null : file.toString(),
                stat == null ? null : stat.text());
        long modified = stat == null ? Long.MAX_VALUE : stat.modifiedMillis(); // no file to stat: never reused
        if (protocol.equals("jar") && !root.equals(home)) {
            return new Resolved(jarDigest(root), input, modified);
        }
        try (InputStream in = url.openStream()) {
            return new Resolved(ClassFileReader.parse(in.readAllBytes()), input, modified);
        }
    }

    private static Path filePath(URL url) {
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    private static boolean isMemogenRuntime(String internal) {
        return internal.startsWith("dev/memogen/internal/")
                || (internal.startsWith("dev/memogen/") && internal.indexOf('/', "dev/memogen/".length()) < 0);
    }

    /** The directory or jar a class was loaded from. */
    static String rootOf(URL url, String internal) {
        String s = url.toString();
        String suffix = internal + ".class";
        if (s.endsWith("!/" + suffix)) {
            return s.substring(0, s.length() - suffix.length() - 2);
        }
        if (s.endsWith(suffix)) {
            return s.substring(0, s.length() - suffix.length());
        }
        return s;
    }

    /**
     * A jar by the digest of its entries' names and contents, in name order: rebuilding a jar from
     * the same classes gives the same digest, whatever its timestamps or compression. The build's
     * own bookkeeping (the manifest, {@code META-INF/maven/}) does not count. Cached by path,
     * size and modification time.
     */
    private static String jarDigest(String root) throws IOException {
        Path path = jarPath(root);
        if (path == null) {
            return "jar " + root;
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        String cacheKey = path + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        String cached = JAR_DIGESTS.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        Xxh3Stream h = new Xxh3Stream();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            List<ZipEntry> entries = new ArrayList<>();
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (!e.isDirectory() && !n.equals("META-INF/MANIFEST.MF") && !n.startsWith("META-INF/maven/")) {
                    entries.add(e);
                }
            }
            entries.sort(java.util.Comparator.comparing(ZipEntry::getName));
            byte[] buffer = new byte[1 << 16];
            for (ZipEntry e : entries) {
                h.int32(e.getName().length());
                h.putChars(e.getName());
                try (InputStream in = zip.getInputStream(e)) {
                    long size = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        h.putBytes(buffer, 0, n);
                        size += n;
                    }
                    h.int64(size);
                }
            }
        }
        h.finish();
        // By content only: the same classes in another jar file (name, path, timestamps) are the same code.
        String digest = "jar " + Hex.of(h.high()) + Hex.of(h.low());
        JAR_DIGESTS.put(cacheKey, digest);
        return digest;
    }

    private static Path jarPath(String root) {
        if (!root.startsWith("jar:file:")) {
            return null;
        }
        try {
            return Path.of(new URI(root.substring("jar:".length())));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    // ---- traversal ----

    private void visit(String owner, String name, String descriptor) throws IOException {
        if (!visited.add(owner + '.' + name + descriptor)) {
            return;
        }
        ClassFileReader cf = load(owner);
        if (cf == null) {
            return;
        }
        ClassFileReader.Method m = cf.method(name, descriptor);
        if (m != null) {
            hashMethod(cf, m);
        } else if (!name.equals("<clinit>")) {
            // Inherited: the declaration is in a super class or a (default method of an) interface.
            if (cf.superName != null) {
                enqueue(cf.superName, name, descriptor);
            }
            for (String i : cf.interfaces) {
                enqueue(i, name, descriptor);
            }
        }
    }

    /** A class whose instances the code creates: its static initializer and all its instance methods. */
    private void instantiate(String owner) throws IOException {
        enqueue(owner, "<clinit>", "()V");
        if (!instantiated.add(owner)) {
            return;
        }
        ClassFileReader cf = load(owner);
        if (cf == null) {
            return;
        }
        for (ClassFileReader.Method m : cf.methods) {
            if ((m.access() & ClassFileReader.ACC_STATIC) == 0) {
                enqueue(owner, m.name(), m.descriptor());
            }
        }
    }

    private void hashMethod(ClassFileReader cf, ClassFileReader.Method m) throws IOException {
        methodCount++;
        boolean synthetic = (m.access() & ClassFileReader.ACC_SYNTHETIC) != 0;
        put(synthetic ? "synthetic " + cf.name + " " + m.descriptor() : cf.name + "." + m.name() + m.descriptor());
        out.int32(m.access() & ~ClassFileReader.ACC_SYNTHETIC);
        byte[] code = m.code();
        if (code == null) {
            put("no code");
            return;
        }
        int i = 0;
        while (i < code.length) {
            int op = code[i] & 0xff;
            switch (op) {
                case 0x12 -> { // ldc
                    out.int8((byte) 0x13); // ldc and ldc_w differ only by the size of the index
                    constant(cf, code[i + 1] & 0xff, op);
                    i += 2;
                }
                case 0x13, 0x14, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1 -> {
                    out.int8((byte) op);
                    constant(cf, u2(code, i + 1), op);
                    i += 3;
                }
                case 0xb9, 0xba -> { // invokeinterface, invokedynamic
                    out.int8((byte) op);
                    constant(cf, u2(code, i + 1), op);
                    i += 5;
                }
                case 0xc5 -> { // multianewarray
                    out.int8((byte) op);
                    constant(cf, u2(code, i + 1), op);
                    out.int8(code[i + 3]);
                    i += 4;
                }
                case 0xaa -> { // tableswitch
                    int j = i + 1 + ((4 - (i + 1) % 4) % 4);
                    int low = s4(code, j + 4);
                    int high = s4(code, j + 8);
                    int end = j + 12 + 4 * (high - low + 1);
                    raw(code, i, end);
                    i = end;
                }
                case 0xab -> { // lookupswitch
                    int j = i + 1 + ((4 - (i + 1) % 4) % 4);
                    int pairs = s4(code, j + 4);
                    int end = j + 8 + 8 * pairs;
                    raw(code, i, end);
                    i = end;
                }
                case 0xc4 -> { // wide
                    int end = i + ((code[i + 1] & 0xff) == 0x84 ? 6 : 4);
                    raw(code, i, end);
                    i = end;
                }
                default -> {
                    int end = i + 1 + plainOperandBytes(op);
                    raw(code, i, end);
                    i = end;
                }
            }
        }
        int[] exceptions = m.exceptionTable();
        out.int32(exceptions.length);
        for (int e = 0; e < exceptions.length; e += 4) {
            out.int32(exceptions[e]);
            out.int32(exceptions[e + 1]);
            out.int32(exceptions[e + 2]);
            put(exceptions[e + 3] == 0 ? "any" : cf.className(exceptions[e + 3]));
        }
    }

    /** Operand bytes of instructions without constant-pool operands. */
    private static int plainOperandBytes(int op) {
        if (op == 0x10 || op == 0xbc || op == 0xa9 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a)) {
            return 1; // bipush, newarray, ret, loads, stores
        }
        if (op == 0x11 || op == 0x84 || (op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) {
            return 2; // sipush, iinc, branches
        }
        if (op == 0xc8 || op == 0xc9) {
            return 4; // goto_w, jsr_w
        }
        return 0;
    }

    /** Hashes what constant {@code index} means, and follows what it leads to. */
    private void constant(ClassFileReader cf, int index, int op) throws IOException {
        ClassFileReader.Constant c = cf.pool[index];
        switch (c.tag()) {
            case 3, 4, 5, 6 -> {
                out.int8((byte) c.tag());
                out.int64(c.number());
            }
            case 7 -> {
                String name = cf.utf(c.a());
                put("class " + name);
                if (op == 0xbb) {
                    instantiate(name);
                }
            }
            case 8 -> put("string " + cf.utf(c.a()));
            case 16 -> put("method type " + cf.utf(c.a()));
            case 9 -> {
                String owner = cf.className(c.a());
                ClassFileReader.Constant nat = cf.pool[c.b()];
                String field = cf.utf(nat.a());
                put("field " + owner + "." + field + " " + cf.utf(nat.b()));
                if (op == 0xb2 || op == 0xb3) {
                    enqueue(owner, "<clinit>", "()V");
                }
                if (op == 0xb2) {
                    ClassFileReader o = load(owner);
                    ClassFileReader.Field f = o == null ? null : o.field(field);
                    if (f != null && (f.access() & ClassFileReader.ACC_FINAL) == 0
                            && (f.access() & ClassFileReader.ACC_SYNTHETIC) == 0) {
                        mutableStatics.add(owner.replace('/', '.') + "." + field);
                    }
                }
            }
            case 10, 11 -> methodReference(cf, c);
            case 15 -> {
                put("handle " + c.a());
                ClassFileReader.Constant ref = cf.pool[c.b()];
                if (ref.tag() == 9) {
                    String owner = cf.className(ref.a());
                    put("field " + owner + "." + cf.utf(cf.pool[ref.b()].a()));
                    enqueue(owner, "<clinit>", "()V");
                } else {
                    methodReference(cf, ref);
                }
            }
            case 17, 18 -> {
                ClassFileReader.Constant nat = cf.pool[c.b()];
                put("dynamic " + cf.utf(nat.a()) + cf.utf(nat.b()));
                ClassFileReader.BootstrapMethod bsm = cf.bootstrapMethods.get(c.a());
                constant(cf, bsm.handle(), 0);
                out.int32(bsm.arguments().length);
                for (int arg : bsm.arguments()) {
                    constant(cf, arg, 0);
                }
            }
            default -> throw new IOException("unexpected constant tag " + c.tag() + " in " + cf.name);
        }
    }

    private void methodReference(ClassFileReader cf, ClassFileReader.Constant c) throws IOException {
        String owner = cf.className(c.a());
        ClassFileReader.Constant nat = cf.pool[c.b()];
        String name = cf.utf(nat.a());
        String descriptor = cf.utf(nat.b());
        ClassFileReader target = owner.equals(cf.name) ? cf : null;
        ClassFileReader.Method declared = target == null ? null : target.method(name, descriptor);
        boolean synthetic = declared != null && (declared.access() & ClassFileReader.ACC_SYNTHETIC) != 0;
        // javac numbers lambda bodies (lambda$fit$0): their names are not part of what they do.
        put("method " + owner + "." + (synthetic ? "<synthetic>" : name) + descriptor);
        if (name.equals("<init>")) {
            instantiate(owner);
        }
        enqueue(owner, name, descriptor);
    }

    // ---- bytes ----

    private void put(String s) {
        out.int32(s.length());
        out.putChars(s);
    }

    private void raw(byte[] code, int from, int to) {
        out.putBytes(code, from, to - from);
    }

    private static int u2(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int s4(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
