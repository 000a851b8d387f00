/**
 * memogen's runtime. {@code dev.memogen} is the API; {@code dev.memogen.internal} and
 * {@code dev.memogen.internal.codec} are what generated {@code *Memo} classes call, exported for
 * them only and not API. Everything else (the core, the store, hashing, code fingerprints) stays
 * inside the module.
 */
module dev.memogen.runtime {
    exports dev.memogen;
    exports dev.memogen.internal;
    exports dev.memogen.internal.codec;
}
