package dev.memogen.internal.core;

import dev.memogen.internal.fingerprint.CodeFingerprint;
import java.io.IOException;
import java.util.List;

/**
 * A function's version: what the compiler knew ({@code @Memo(version)}, the return type's shape)
 * joined with the fingerprint of the bytecode the method reaches, or of its source when the
 * class files cannot be read. Computed once per function and JVM, never on a hit.
 */
public final class FunctionVersion {
    private FunctionVersion() {}

    /**
     * The version of function {@code id}, declared as {@code owner.methodName(descriptor)}.
     *
     * @param compileVersion    what the compiler knew
     * @param sourceFingerprint a digest of the method's syntax tree: stands in when its bytecode cannot be read
     * @param valueClasses      binary names of the records and enums in its parameter and return types
     * @param fingerprinted     if not null, given the code fingerprint once computed (not when the source stands in)
     */
    public static String compute(String id, Class<?> owner, String methodName, String descriptor,
            String compileVersion, String sourceFingerprint, List<String> valueClasses, Problems problems,
            java.util.function.Consumer<CodeFingerprint.Result> fingerprinted) {
        long start = System.nanoTime();
        String version;
        try {
            CodeFingerprint.Result r = CodeFingerprint.compute(owner, methodName, descriptor, valueClasses);
            version = ofBytecode(compileVersion, r.digest());
            if (fingerprinted != null) {
                fingerprinted.accept(r);
            }
            if (Problems.debugEnabled()) {
                Problems.debug("memogen: code fingerprint of " + id + ": " + r.methods() + " methods in "
                        + r.classes() + " classes, plus " + r.externals() + ", in "
                        + (System.nanoTime() - start) / 1_000 + " us");
                if (!r.mutableStatics().isEmpty()) {
                    Problems.debug("memogen: " + id + " reads mutable static fields " + r.mutableStatics()
                            + "; its stored results do not follow changes to them");
                }
            }
        } catch (IOException | RuntimeException e) {
            version = compileVersion + "/source " + sourceFingerprint;
            problems.warnOnce("fingerprint:" + id, "cannot read the bytecode of " + id
                    + " (" + e + "); its results follow edits to its own source only", null);
        }
        return version;
    }

    /**
     * The version of a function whose code fingerprint is {@code digest}: what {@link #compute}
     * gives when it reads the bytecode, and what a fingerprint kept from an earlier run stands for.
     */
    public static String ofBytecode(String compileVersion, String digest) {
        return compileVersion + "/bytecode " + digest;
    }

    /**
     * The code fingerprint of {@code owner.method(descriptor)}, computed afresh (for benchmarks
     * and tools): a summary of what was reached and the digest.
     */
    public static String describe(Class<?> owner, String method, String descriptor, List<String> valueClasses) {
        try {
            CodeFingerprint.Result r = CodeFingerprint.compute(owner, method, descriptor, valueClasses);
            return r.methods() + " methods in " + r.classes() + " classes " + r.externals() + ": " + r.digest();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
