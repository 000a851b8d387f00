package dev.memogen.processor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Names of the per-record helper methods of one generated class ({@code hashFit},
 * {@code encodeFit}, {@code decodeFit}), and the records whose helpers still need a body. Helpers
 * are methods, not inline code, so recursive records work.
 */
final class RecordHelpers {
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final Deque<ValueType.RecordType> pendingHash = new ArrayDeque<>();
    private final Deque<ValueType.RecordType> pendingCodec = new ArrayDeque<>();
    private final Deque<ValueType.RecordType> pendingMemory = new ArrayDeque<>();
    private final Set<String> memoryRequested = new HashSet<>();
    private final Set<String> hashRequested = new HashSet<>();
    private final Set<String> codecRequested = new HashSet<>();
    private final Map<String, String> typeTags = new LinkedHashMap<>(); // binary name -> field name
    private final Set<String> typeTagFields = new HashSet<>();

    /** The {@code static final KeyHasher.TypeTag} field naming a record or enum class in key streams. */
    String typeTag(String binaryName) {
        return typeTags.computeIfAbsent(binaryName, n -> {
            String simple = n.substring(Math.max(n.lastIndexOf('.'), n.lastIndexOf('$')) + 1);
            String base = simple.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT) + "_TYPE";
            String field = base;
            for (int i = 2; !typeTagFields.add(field); i++) {
                field = base + "_" + i;
            }
            return field;
        });
    }

    /** Every type tag asked for: binary name to field name, in order of first use. */
    Map<String, String> typeTags() {
        return typeTags;
    }

    /** The base name of the helpers of a record type ({@code Fit}, {@code Pair2}). */
    String baseName(String key, String simpleName) {
        return names.computeIfAbsent(key, k -> {
            String n = simpleName;
            for (int i = 2; !taken.add(n); i++) {
                n = simpleName + i;
            }
            return n;
        });
    }

    String hashHelper(ValueType.RecordType r) {
        if (hashRequested.add(r.key())) {
            pendingHash.add(r);
        }
        return "hash" + baseName(r.key(), simpleName(r));
    }

    String hashHelper(ValueType.RecordRef r) {
        return "hash" + names.get(r.key());
    }

    /** {@code long memoryHashX(X v)}: the record's part of a memory key ({@link MemoryKeyEmitter}). */
    String memoryHashHelper(ValueType.RecordType r) {
        if (memoryRequested.add(r.key())) {
            pendingMemory.add(r);
        }
        return "memoryHash" + baseName(r.key(), simpleName(r));
    }

    String memoryHashHelper(ValueType.RecordRef r) {
        return "memoryHash" + names.get(r.key());
    }

    /** {@code boolean sameX(X a, X b)}: whether two records make the same key. */
    String sameHelper(ValueType.RecordType r) {
        memoryHashHelper(r);
        return "same" + names.get(r.key());
    }

    String sameHelper(ValueType.RecordRef r) {
        return "same" + names.get(r.key());
    }

    ValueType.RecordType nextMemory() {
        return pendingMemory.poll();
    }

    String encodeHelper(ValueType.RecordType r) {
        if (codecRequested.add(r.key())) {
            pendingCodec.add(r);
        }
        return "encode" + baseName(r.key(), simpleName(r));
    }

    String encodeHelper(ValueType.RecordRef r) {
        return "encode" + names.get(r.key());
    }

    String decodeHelper(ValueType.RecordType r) {
        encodeHelper(r);
        return "decode" + names.get(r.key());
    }

    String decodeHelper(ValueType.RecordRef r) {
        return "decode" + names.get(r.key());
    }

    ValueType.RecordType nextHash() {
        return pendingHash.poll();
    }

    ValueType.RecordType nextCodec() {
        return pendingCodec.poll();
    }

    private static String simpleName(ValueType.RecordType r) {
        String b = r.binaryName();
        return b.substring(Math.max(b.lastIndexOf('.'), b.lastIndexOf('$')) + 1);
    }
}
