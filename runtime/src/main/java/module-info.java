/**
 * memogen's runtime. {@code dev.memogen} is the API; {@code dev.memogen.internal} and
 * {@code dev.memogen.internal.codec} are what generated {@code *Memo} classes call, exported for
 * them only and not API. Everything else (the core, the store, hashing, code fingerprints) stays
 * inside the module.
 */
module dev.memogen.runtime {
    // The remote tier's S3 client (dev.memogen.internal.remote): HTTP without a dependency.
    requires java.net.http;
    // Flight Recorder events (dev.memogen.internal.core.JfrEvents), when a recording is on. Static:
    // a jlink'd runtime without jdk.jfr still runs memogen, without the events; every use checks
    // that the module is there first.
    requires static jdk.jfr;
    // java.util.logging, only to tell that it has not started yet (dev.memogen.internal.core.QuietLogging):
    // without the module, System.Logger's own backend is asked instead.
    requires static java.logging;
    exports dev.memogen;
    exports dev.memogen.internal;
    exports dev.memogen.internal.codec;
}
