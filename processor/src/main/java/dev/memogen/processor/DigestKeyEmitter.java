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
        if (!versioned(w.m().parameters())) {
            b.addStatement("Object $L = $L.get($L, $L)", w.cached(), w.field(), w.k0(), w.k1());
            w.returnIfFound(b);
            b.addStatement("return $L($L)", w.missCall(), w.args(w.k0(), w.k1()));
            w.missMethod().addParameter(long.class, w.k0()).addParameter(long.class, w.k1());
            w.miss().addStatement("$T $L = $L.$L($L, $L)", w.flightType(), w.flight(), w.field(), w.start(), w.k0(),
                    w.k1());
            return;
        }
        // Files among the arguments: what they hold is the argument version, not part of the key.
        String v0 = w.names().fresh("v0");
        String v1 = w.names().fresh("v1");
        b.addStatement("long $L = $L.versionHigh()", v0, w.h());
        b.addStatement("long $L = $L.versionLow()", v1, w.h());
        b.addStatement("Object $L = $L.get($L, $L, $L, $L)", w.cached(), w.field(), w.k0(), w.k1(), v0, v1);
        w.returnIfFound(b);
        b.addStatement("return $L($L)", w.missCall(), w.args(w.k0(), w.k1(), v0, v1));
        w.missMethod().addParameter(long.class, w.k0()).addParameter(long.class, w.k1())
                .addParameter(long.class, v0).addParameter(long.class, v1);
        w.miss().addStatement("$T $L = $L.$L($L, $L, $L, $L)", w.flightType(), w.flight(), w.field(), w.start(),
                w.k0(), w.k1(), v0, v1);
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
