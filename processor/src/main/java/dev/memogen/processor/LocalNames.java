package dev.memogen.processor;

import java.util.HashSet;
import java.util.Set;
import javax.lang.model.SourceVersion;

/** Names of local variables in one generated method: {@code v}, {@code v2}, {@code v3}, ... */
final class LocalNames {
    private final Set<String> taken = new HashSet<>();

    /** Reserves {@code name} as is (a parameter name) and returns it. */
    String reserve(String name) {
        taken.add(name);
        return name;
    }

    /** A name starting with {@code base} that is not taken yet. */
    String fresh(String base) {
        String n = base;
        for (int i = 2; SourceVersion.isKeyword(n) || !taken.add(n); i++) {
            n = base + i;
        }
        return n;
    }
}
