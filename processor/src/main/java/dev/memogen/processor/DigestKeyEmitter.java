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
        b.addStatement("Object $L = $L.get($L, $L)", w.cached(), w.field(), w.k0(), w.k1());
        w.returnIfFound(b);
        if (w.ifPresent()) {
            w.startFlight(b); // IfPresent: memory and the store were asked; nothing left for a miss path
            return;
        }
        b.addStatement("return $L($L)", w.missCall(), w.args(w.k0(), w.k1()));
        w.missMethod().addParameter(long.class, w.k0()).addParameter(long.class, w.k1());
        w.startFlight(w.miss(), w.k0(), w.k1());
    }
}
