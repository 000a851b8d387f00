package dev.memogen.internal;

import dev.memogen.internal.store.StoredFunction;

/** What tests of other packages need of this package's non-public parts. */
public final class TestAccess {
    private TestAccess() {}

    /** The function as the store sees it. */
    public static StoredFunction stored(MemoFunction<?> fn) {
        return fn.stored();
    }

    /** The runtime's store. */
    public static dev.memogen.internal.store.FileStore store() {
        return MemoRuntime.get().store();
    }
}
