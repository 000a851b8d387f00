package dev.memogen.processor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names of the per-record helper methods of one generated class ({@code hashFit},
 * {@code encodeFit}, {@code decodeFit}), and the records whose helpers still need a body. Helpers
 * are methods, not inline code, so recursive records work.
 *
 * <p>A recursive record (one that can contain itself, directly or through other records) can be
 * nested without bound, so its helpers count their depth in an {@code int depth} parameter and
 * continue on a thread with a large stack when it is deep ({@code DeepValues}); so do the helpers
 * of records that contain one, to pass the depth on. Other helpers have no depth: their nesting is
 * bounded by their type.
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
    private final Map<String, Boolean> recursive = new HashMap<>(); // record key -> can contain itself
    private final Map<String, Boolean> deep = new HashMap<>(); // record key -> its helpers take a depth

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

    /** Whether the helpers of {@code r} take an {@code int depth}: it is, or contains, a recursive record. */
    boolean deep(ValueType.RecordType r) {
        analyse(r);
        return deep.get(r.key());
    }

    /** Whether {@code r} can contain itself: its helpers then hop to a new thread when deep. */
    boolean recursive(ValueType.RecordType r) {
        analyse(r);
        return recursive.get(r.key());
    }

    /**
     * The depth argument of a call of a helper of {@code record} (a {@link ValueType.RecordType} or
     * a {@link ValueType.RecordRef}), with its leading comma, or nothing if it takes none; made in a
     * helper with depth {@code depth}, or outside the helpers if {@code depth} is null. A call of a
     * recursive record's helper goes one level deeper, so every cycle of calls counts its levels.
     */
    String depthArgument(ValueType record, String depth) {
        boolean rec;
        if (record instanceof ValueType.RecordRef) {
            rec = true; // a reference back to a record being described: a cycle
        } else {
            ValueType.RecordType r = (ValueType.RecordType) record;
            if (!deep(r)) {
                return "";
            }
            rec = recursive(r);
        }
        if (depth == null) {
            return ", 0";
        }
        return rec ? ", " + depth + " + 1" : ", " + depth;
    }

    /**
     * Works out which records reachable from {@code root} are recursive and which are deep, from
     * the graph of records that contain records (directly or through arrays, collections and
     * optionals). Every record of a cycle is found: a cycle is described with a {@code RecordRef}.
     */
    private void analyse(ValueType.RecordType root) {
        if (deep.containsKey(root.key())) {
            return;
        }
        Map<String, Set<String>> contains = new LinkedHashMap<>();
        collect(root, contains);
        for (String key : contains.keySet()) {
            recursive.putIfAbsent(key, reaches(contains, contains.get(key), Set.of(key)));
        }
        Set<String> recursiveOnes = new HashSet<>();
        for (String key : contains.keySet()) {
            if (recursive.get(key)) {
                recursiveOnes.add(key);
            }
        }
        for (String key : contains.keySet()) {
            deep.putIfAbsent(key, reaches(contains, Set.of(key), recursiveOnes));
        }
    }

    /** Adds {@code r} and every record type described inside it to {@code contains}, with the records each contains. */
    private static void collect(ValueType.RecordType r, Map<String, Set<String>> contains) {
        if (contains.containsKey(r.key())) {
            return;
        }
        Set<String> children = new HashSet<>();
        contains.put(r.key(), children);
        List<ValueType.RecordType> nested = new ArrayList<>();
        for (ValueType.Component c : r.components()) {
            records(c.type(), children, nested);
        }
        for (ValueType.RecordType n : nested) {
            collect(n, contains);
        }
    }

    /** The records {@code t} holds directly (not inside another record): their keys, and those described here. */
    private static void records(ValueType t, Set<String> keys, List<ValueType.RecordType> described) {
        if (t instanceof ValueType.RecordType r) {
            keys.add(r.key());
            described.add(r);
        } else if (t instanceof ValueType.RecordRef r) {
            keys.add(r.key());
        } else if (t instanceof ValueType.ArrayType a) {
            records(a.component(), keys, described);
        } else if (t instanceof ValueType.ListType l) {
            records(l.element(), keys, described);
        } else if (t instanceof ValueType.SetType s) {
            records(s.element(), keys, described);
        } else if (t instanceof ValueType.MapType m) {
            records(m.key(), keys, described);
            records(m.value(), keys, described);
        } else if (t instanceof ValueType.SequenceType q) {
            records(q.element(), keys, described);
        } else if (t instanceof ValueType.DequeType q) {
            records(q.element(), keys, described);
        } else if (t instanceof ValueType.SortedSetType s) {
            records(s.element(), keys, described);
        } else if (t instanceof ValueType.SortedMapType m) {
            records(m.key(), keys, described);
            records(m.value(), keys, described);
        } else if (t instanceof ValueType.OptionalType o) {
            records(o.element(), keys, described);
        }
    }

    /** Whether a record in {@code targets} is among {@code from} or the records they contain, transitively. */
    private static boolean reaches(Map<String, Set<String>> contains, Set<String> from, Set<String> targets) {
        Deque<String> todo = new ArrayDeque<>(from);
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String k = todo.poll();
            if (targets.contains(k)) {
                return true;
            }
            if (seen.add(k)) {
                todo.addAll(contains.getOrDefault(k, Set.of()));
            }
        }
        return false;
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
