package dev.memogen.internal;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.core.FunctionVersion;
import dev.memogen.internal.core.Problems;
import dev.memogen.internal.core.StoredEntries;
import dev.memogen.internal.fingerprint.CodeFingerprint;
import dev.memogen.internal.fingerprint.FingerprintInputs;
import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.hash.Xxh3Stream;
import dev.memogen.internal.store.StoredFunction;
import dev.memogen.internal.store.Ttl;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * Code fingerprints kept across runs. A fingerprint reads, parses and digests the class files a
 * memoized method reaches (tens of milliseconds in a fresh JVM); almost always they are the ones
 * the last run read. So the fingerprint is kept in the store, as an entry of its own, with what
 * it was computed from ({@link FingerprintInputs.Input}: the URL of every class it looked up, the
 * {@code stat} of every class file and jar taken before it was read). A new JVM looks the classes
 * up again and {@code stat}s the files; when all is as recorded, reading them again would give
 * the same bytes and the same digest, and the kept one is used. Anything else computes it, and a
 * sound result replaces the entry. As for files among the arguments ({@link FileDigests}), a
 * fingerprint that read a file modified within two seconds of the moment it read it is not kept:
 * a change within the timestamp granularity could follow unseen.
 *
 * <p>The entries are read like any other, so they are checked like any other (checksum, key, and
 * with {@code memogen.key} the tag); their function version is the digest of the fingerprint's
 * own code, so entries of another memogen build are stale. Someone who can write a store without
 * a key could plant a wrong fingerprint, as they could plant a wrong value: see
 * {@code docs/store-format.md}, "Threat model".
 */
final class StoredFingerprints {
    private StoredFingerprints() {}

    /** What is kept: the fingerprint, the counts it reports, and what it was computed from. */
    record Known(String digest, int methods, int classes, List<FingerprintInputs.Input> inputs) {}

    private static final StoredFunction STORED = new StoredFunction("dev.memogen.CodeFingerprint",
            implementation(), Ttl.NONE);

    private static final String JDK = System.getProperty("java.vendor") + " "
            + System.getProperty("java.runtime.version") + " " + System.getProperty("java.home");

    /** Longest string kept (a URL, a path): longer ones make the fingerprint not kept. */
    private static final int MAX_STRING = 4096;

    private static final Codec<Known> CODEC = new Codec<>() {
        @Override
        public void encode(ValueWriter out, Known k) {
            out.writeString(k.digest());
            out.writeInt(k.methods());
            out.writeInt(k.classes());
            out.writeSize(k.inputs().size());
            for (FingerprintInputs.Input in : k.inputs()) {
                out.writeString(in.className());
                writeNullable(out, in.url());
                writeNullable(out, in.file());
                writeNullable(out, in.stat());
            }
        }

        @Override
        public Known decode(ValueReader in) {
            String digest = checked(in.readString());
            int methods = in.readInt();
            int classes = in.readInt();
            int n = in.readSize(5); // a name and three presence bytes at least
            List<FingerprintInputs.Input> inputs = new ArrayList<>(in.room(n));
            for (int i = 0; i < n; i++) {
                inputs.add(new FingerprintInputs.Input(checked(in.readString()), readNullable(in), readNullable(in),
                        readNullable(in)));
            }
            return new Known(digest, methods, classes, List.copyOf(inputs));
        }
    };

    private static void writeNullable(ValueWriter out, String s) {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeString(s);
        }
    }

    private static String readNullable(ValueReader in) {
        return in.readBoolean() ? checked(in.readString()) : null;
    }

    private static String checked(String s) {
        if (s == null || s.length() > MAX_STRING) {
            throw new CorruptValueException("a string of a kept fingerprint is missing or too long");
        }
        return s;
    }

    /**
     * The version of function {@code id}, as {@link FunctionVersion#compute} gives it, from the
     * kept fingerprint when its inputs are unchanged.
     */
    static String version(String id, Class<?> owner, String methodName, String descriptor, String compileVersion,
            String sourceFingerprint, List<String> valueClasses, Problems problems) {
        MemoRuntime rt = MemoRuntime.ifStarted();
        StoredEntries entries = rt == null ? null : rt.entries;
        if (entries == null) {
            return FunctionVersion.compute(id, owner, methodName, descriptor, compileVersion, sourceFingerprint,
                    valueClasses, problems, null);
        }
        long start = System.nanoTime();
        ClassLoader loader = owner.getClassLoader() != null ? owner.getClassLoader() : ClassLoader.getSystemClassLoader();
        Xxh3Stream key = new Xxh3Stream();
        URL home = FingerprintInputs.classFile(FingerprintInputs.classPathOf(loader), loader,
                owner.getName().replace('.', '/'), null);
        for (String part : new String[] {id, String.valueOf(home), methodName, descriptor, compileVersion,
                sourceFingerprint, String.join(",", valueClasses), JDK}) {
            key.int32(part.length());
            key.putChars(part);
        }
        key.finish();
        StoredEntries.Read<Known> kept = entries.read(STORED, CODEC, key.high(), key.low(), StoredEntries.KEEP_NONE, null);
        if (kept != null && kept.value() != null && FingerprintInputs.unchanged(loader, kept.value().inputs())) {
            Known k = kept.value();
            if (Problems.debugEnabled()) {
                Problems.debug("memogen: code fingerprint of " + id + ": " + k.methods() + " methods in "
                        + k.classes() + " classes, kept from an earlier run (" + k.inputs().size()
                        + " classes unchanged), in " + (System.nanoTime() - start) / 1_000 + " us");
            }
            return FunctionVersion.ofBytecode(compileVersion, k.digest());
        }
        Computed computed = new Computed();
        String version = FunctionVersion.compute(id, owner, methodName, descriptor, compileVersion, sourceFingerprint,
                valueClasses, problems, computed);
        CodeFingerprint.Result r = computed.result;
        if (r != null && r.reusable() && fits(r.inputs())) {
            ValueWriter value = new ValueWriter();
            StoredEntries.encode(CODEC, value, new Known(r.digest(), r.methods(), r.classes(), r.inputs()));
            entries.write(STORED, key.high(), key.low(), value, System.nanoTime() - start);
        }
        return version;
    }

    /**
     * Where {@link FunctionVersion#compute} puts the fingerprint it computed: a class, not a
     * lambda, whose class a fresh JVM would spin at its first fingerprint (the method-handle
     * machinery, in the interpreter).
     */
    private static final class Computed implements java.util.function.Consumer<CodeFingerprint.Result> {
        CodeFingerprint.Result result;

        @Override
        public void accept(CodeFingerprint.Result r) {
            result = r;
        }
    }

    private static boolean fits(List<FingerprintInputs.Input> inputs) {
        for (FingerprintInputs.Input in : inputs) {
            for (String s : new String[] {in.className(), in.url(), in.file(), in.stat()}) {
                if (s != null && s.length() > MAX_STRING) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * What identifies the fingerprint's own code, so that a memogen build that fingerprints
     * differently finds the entries of another stale: the {@code stat} of the jar memogen runs
     * from (a jar replaced, even by the same bytes, makes every kept fingerprint be computed once
     * more), else (class files in a directory: a build tree, tests) the digest of the four
     * class files that compute and keep fingerprints. Reading and digesting them took some 5% of
     * a fresh JVM's first hit.
     */
    private static String implementation() {
        try {
            java.security.CodeSource source = StoredFingerprints.class.getProtectionDomain().getCodeSource();
            java.nio.file.Path jar = source == null ? null : java.nio.file.Path.of(source.getLocation().toURI());
            if (jar != null && java.nio.file.Files.isRegularFile(jar)) {
                return "jar " + jar + " " + FingerprintInputs.statText(jar);
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            // not a file: digested below
        }
        Xxh3Stream out = new Xxh3Stream();
        // By name, not by class literal: a rerun whose fingerprints hold loads no CodeFingerprint.
        for (String file : new String[] {"fingerprint/CodeFingerprint.class", "fingerprint/FingerprintInputs.class",
                "fingerprint/ClassFileReader.class", "StoredFingerprints.class"}) {
            try (InputStream in = StoredFingerprints.class.getResourceAsStream(file)) {
                byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
                out.int32(bytes.length);
                out.putBytes(bytes, 0, bytes.length);
            } catch (IOException e) {
                out.int32(-1);
            }
        }
        out.finish();
        return Hex.of(out.high()) + Hex.of(out.low());
    }
}
