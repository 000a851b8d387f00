package dev.memogen.processor;

import com.palantir.javapoet.CodeBlock;

/**
 * The lookup of a method keyed by the digest of its key stream ({@link KeyStrategy.Digest}): the
 * memoized method hashes the arguments and asks memory, then the store ({@code get}); the miss
 * path takes the digest as parameters and starts the flight.
 */
final class DigestKeyEmitter {
    private DigestKeyEmitter() {}

    static void lookup(Wrapper w, HashEmitter hashes) {
        CodeBlock.Builder b = w.hit();
        b.addStatement("$T $L = $L.begin()", RuntimeNames.KEY_HASHER, w.h(), w.field());
        b.beginControlFlow("if ($L == null)", w.h()).addStatement("return $L", w.call()).endControlFlow();
        w.hashArguments(b, hashes);
        b.addStatement("long $L = $L.high()", w.k0(), w.h());
        b.addStatement("long $L = $L.low()", w.k1(), w.h());
        String[] key = {w.k0(), w.k1()};
        if (versioned(w.m().parameters())) {
            // Files among the arguments: what they hold is the argument version, not part of the key.
            String v0 = w.names().fresh("v0");
            String v1 = w.names().fresh("v1");
            b.addStatement("long $L = $L.versionHigh()", v0, w.h());
            b.addStatement("long $L = $L.versionLow()", v1, w.h());
            key = new String[] {w.k0(), w.k1(), v0, v1};
        }
        b.addStatement("Object $L = $L.get($L)", w.cached(), w.field(), String.join(", ", key));
        w.returnIfFound(b);
        if (w.ifPresent()) {
            w.startFlight(b); // IfPresent: memory and the store were asked; nothing left for a miss path
            return;
        }
        b.addStatement("return $L($L)", w.missCall(), w.args(key));
        for (String k : key) {
            w.missMethod().addParameter(long.class, k);
        }
        w.startFlight(w.miss(), key);
    }

    /** Whether a file keyed by what it holds ({@code Path}, {@code File}) is among the parameters, at any depth. */
    static boolean versioned(java.util.List<MemoModel.Parameter> params) {
        return params.stream().anyMatch(p -> holdsFiles(p.type(), new java.util.HashSet<>()));
    }

    private static boolean holdsFiles(ValueType t, java.util.Set<String> seen) {
        if (t instanceof ValueType.JdkType j) {
            return j.kind() == JdkValue.PATH || j.kind() == JdkValue.FILE;
        }
        if (t instanceof ValueType.Composite c && !seen.add(c.key())) {
            return false;
        }
        return t.inner().stream().anyMatch(x -> holdsFiles(x, seen));
    }
}
