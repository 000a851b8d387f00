package dev.memogen.processor;

import com.palantir.javapoet.ClassName;

/** Runtime classes that generated code uses, named by string: the processor never loads them. */
final class RuntimeNames {
    private RuntimeNames() {}

    static final String INTERNAL = "dev.memogen.internal";
    static final String CODEC_PACKAGE = "dev.memogen.internal.codec";
    static final ClassName KEY_HASHER = ClassName.get(INTERNAL, "KeyHasher");
    static final ClassName TYPE_TAG = KEY_HASHER.nestedClass("TypeTag");
    static final ClassName MEMO_FUNCTION = ClassName.get(INTERNAL, "MemoFunction");
    static final ClassName FILE_RESULTS = ClassName.get(INTERNAL, "FileResults");
    static final ClassName FLIGHT = MEMO_FUNCTION.nestedClass("Flight");
    static final ClassName PENDING = MEMO_FUNCTION.nestedClass("Pending");
    static final ClassName COMPLETABLE_FUTURE = ClassName.get("java.util.concurrent", "CompletableFuture");
    static final ClassName CACHED = ClassName.get(INTERNAL, "Cached");
    static final ClassName MEMORY_KEYS = ClassName.get(INTERNAL, "MemoryKeys");
    static final ClassName CODEC = ClassName.get(CODEC_PACKAGE, "Codec");
    static final ClassName VALUE_WRITER = ClassName.get(CODEC_PACKAGE, "ValueWriter");
    static final ClassName VALUE_READER = ClassName.get(CODEC_PACKAGE, "ValueReader");
    static final ClassName DEEP_VALUES = ClassName.get(INTERNAL, "DeepValues");
    static final ClassName SUPPORT = ClassName.get(INTERNAL, "Support");
    /**
     * The version of the runtime's support interface ({@code Support.VERSION}) that generated code
     * is written for; a test checks that the two agree.
     */
    static final int SUPPORT_VERSION = 6;

    static final ClassName ARRAY_LIST = ClassName.get("java.util", "ArrayList");
    static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
    static final ClassName LINKED_HASH_SET = ClassName.get("java.util", "LinkedHashSet");
    static final ClassName LINKED_HASH_MAP = ClassName.get("java.util", "LinkedHashMap");
    static final ClassName TREE_SET = ClassName.get("java.util", "TreeSet");
    static final ClassName TREE_MAP = ClassName.get("java.util", "TreeMap");
    static final ClassName ARRAY_DEQUE = ClassName.get("java.util", "ArrayDeque");
    static final ClassName COLLECTION = ClassName.get("java.util", "Collection");
    static final ClassName SET = ClassName.get("java.util", "Set");
    static final ClassName MAP_ENTRY = ClassName.get("java.util", "Map", "Entry");
    static final ClassName OPTIONAL = ClassName.get("java.util", "Optional");

    /** The suffix of KeyHasher/ValueWriter/ValueReader methods for a primitive kind. */
    static String suffix(javax.lang.model.type.TypeKind kind) {
        return switch (kind) {
            case BOOLEAN -> "Boolean";
            case BYTE -> "Byte";
            case SHORT -> "Short";
            case CHAR -> "Char";
            case INT -> "Int";
            case LONG -> "Long";
            case FLOAT -> "Float";
            case DOUBLE -> "Double";
            default -> throw new IllegalArgumentException("not primitive: " + kind);
        };
    }
}
