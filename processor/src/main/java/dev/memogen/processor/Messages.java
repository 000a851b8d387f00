package dev.memogen.processor;

/**
 * Every diagnostic the processor reports, each with a stable tag that users can search for and
 * tests can match. Texts say what is wrong and what to do about it.
 */
final class Messages {
    private Messages() {}

    static final String SUPPORTED_TYPES =
            "primitives and their boxes, String, enums, BigDecimal, java.time and the other JDK value classes, "
                    + "records and sealed types of supported types, arrays of them, List, Set, Map or Optional of them, "
                    + "and types with a MemoAdapter";

    static String notAClass(String kind) {
        return "[MemoNotAClass] @GenerateMemo goes on a class, record or enum, not on an " + kind
                + ": move the static methods into a class";
    }

    static String notAccessible(String what) {
        return "[MemoNotAccessible] @GenerateMemo class " + what
                + " must be reachable from its package: make it (and every class enclosing it) at least"
                + " package-private, and not local or anonymous";
    }

    static String nothingToMemoize(String cls, java.util.List<String> leftOut) {
        return "[MemoNothingToMemoize] " + cls + " has no non-private method that returns a value;"
                + " the generated class will be empty"
                + (leftOut.isEmpty() ? "" : ". Left out: " + String.join(", ", leftOut));
    }

    static final String LEFT_OUT_VOID = "void: no result to remember";
    static final String LEFT_OUT_PRIVATE = "private: the generated class cannot call it";
    static final String LEFT_OUT_ABSTRACT = "abstract: no code of its own to remember the results of";
    static final String LEFT_OUT_INNER_RECEIVER = "instance method of an inner class: it can read the enclosing"
            + " instance, which is not part of the key; make the class static to memoize it";
    static final String LEFT_OUT_GENERIC_RECEIVER = "instance method of a generic class: not supported yet,"
            + " make it static to memoize it";

    static String fieldUnhashable(String cls, String field, String type, String reason) {
        return "[MemoUnhashableField] field '" + field + "' of type " + type + " is part of the key of " + cls
                + "'s memoized instance methods, but it cannot be hashed: " + reason + ". Mark it @Memo.Ignore if"
                + " the results do not depend on it (a logger, a metrics registry, a connection pool), or give it a"
                + " type memogen hashes (" + SUPPORTED_TYPES + ")";
    }

    static String unreadableSuperclass(String cls, String superclass, String fields) {
        return "[MemoUnreadableState] " + cls + " extends " + superclass + ", whose fields " + fields
                + " memogen cannot read into the key of its instance methods. Make the methods static and pass what"
                + " they depend on, or mark them @Memo.Skip";
    }

    static String wrapperClash(String signature) {
        return "[MemoWrapperClash] the instance method and a static method would both become " + signature
                + " in the generated class (the receiver is its first parameter): rename one, or mark one @Memo.Skip";
    }

    static String pathOnlyWithoutPath(String param, String type) {
        return "[MemoPathOnly] @Memo.PathOnly on parameter '" + param + "' of type " + type + " does nothing: it"
                + " keys a Path or File by its path alone, and this parameter holds none. Remove it";
    }

    static String badAdapter(String adapter, String problem) {
        return "[MemoBadAdapter] adapter " + adapter + " cannot be used: " + problem + ". A MemoAdapter<T, S> is a"
                + " class with a public no-argument constructor that converts T to a type S memogen supports ("
                + SUPPORTED_TYPES + ")";
    }

    static String adapterClash(String type, String first, String second) {
        return "[MemoAdapterClash] " + first + " and " + second + " both adapt " + type
                + ": list one adapter per type in @GenerateMemo(adapters = ...)";
    }

    static String leftOut(String cls, java.util.List<String> methods) {
        return "[MemoLeftOut] methods of " + cls + " that are not memoized: " + String.join(", ", methods)
                + ". Mark those not meant to be memoized with @Memo.Skip to leave them out without this note";
    }

    static String memoOutsideGenerateMemo() {
        return "[MemoWithoutGenerateMemo] @Memo only takes effect in a class annotated with @GenerateMemo:"
                + " annotate the enclosing class";
    }

    static String memoAbstract() {
        return "[MemoAbstract] an abstract method has no code to memoize: put @Memo on the implementations";
    }

    static String memoPrivate() {
        return "[MemoPrivate] a private method cannot be memoized: the generated class cannot call it."
                + " Make it package-private, or remove @Memo";
    }

    static String memoVoid() {
        return "[MemoVoid] a void method has no result to remember: return the value, or remove @Memo";
    }

    static String memoAndSkip() {
        return "[MemoSkipConflict] a method cannot have both @Memo and @Memo.Skip: remove one";
    }

    static String unhashable(String param, String type, String reason) {
        return "[MemoUnhashable] parameter '" + param + "' of type " + type + " cannot be hashed: " + reason
                + "; or leave the method out with @Memo.Skip (memogen hashes " + SUPPORTED_TYPES + ")";
    }

    static String unstorable(String type, String reason) {
        return "[MemoUnstorable] return type " + type + " cannot be stored: " + reason
                + "; or leave the method out with @Memo.Skip (memogen stores " + SUPPORTED_TYPES + ")";
    }

    /** Why a {@code Path} or {@code File} ({@code simpleName}) inside a result is refused. */
    static String fileInsideResult(String simpleName) {
        return "a " + simpleName + " is stored with the file it names only as the return type itself, not inside a"
                + " record, a collection, an Optional or a future (memogen checks that one file or tree at every hit"
                + " and restores it; a path inside a value would be a name only): return the " + simpleName
                + " from a method of its own, or what the file holds (a byte[] or a String)";
    }

    static final String FUTURE_RAW = "a raw future does not say what it completes with: give it a type argument"
            + " (CompletableFuture<Report>)";
    static final String FUTURE_VOID = "a future of Void completes with no value: there is nothing to remember";

    /** Why the value {@code type} that a future result completes with cannot be stored. */
    static String futureValue(String type, String reason) {
        return "the future completes with " + type + ", which cannot be stored: " + reason;
    }

    /** {@code fields}: {@code Class.field} → {@code null} if non-final, else the type whose contents can change. */
    static String readsMutableState(String method, java.util.Map<String, String> fields) {
        java.util.List<String> nonFinal = new java.util.ArrayList<>();
        java.util.List<String> mutableFinal = new java.util.ArrayList<>();
        fields.forEach((field, type) -> {
            if (type == null) {
                nonFinal.add(field);
            } else {
                mutableFinal.add(field + " (" + type + ")");
            }
        });
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (!nonFinal.isEmpty()) {
            parts.add("the non-final static field" + (nonFinal.size() > 1 ? "s " : " ") + String.join(", ", nonFinal));
        }
        if (!mutableFinal.isEmpty()) {
            parts.add("the static final field" + (mutableFinal.size() > 1 ? "s " : " ") + String.join(", ", mutableFinal)
                    + ", whose contents can change");
        }
        return "[MemoReadsMutableState] " + method + " reads " + String.join(" and ", parts)
                + "; a stored result does not follow changes to " + (fields.size() > 1 ? "them" : "it")
                + ". Pass the value as a parameter, keep the field final and immutable (a primitive, String, enum,"
                + " record of those, List.of/Set.of/Map.of, Collections.unmodifiable*), or add @SuppressWarnings(\""
                + MutableStateScanner.SUPPRESSION + "\") on the method, its class or the field where it does not"
                + " affect the result";
    }

    static String stateCheckSkipped(String method, String reason) {
        return "[MemoStateCheckSkipped] could not check whether " + method + " reads mutable static state (" + reason
                + "); the check was skipped, the generated class is not affected. Please report this to memogen";
    }

    static String unresolved(String type) {
        return "[MemoUnresolvedType] type " + type + " could not be resolved; fix the errors above first";
    }

    static String badTtl(String text) {
        return "[MemoBadTtl] ttl \"" + text + "\" is not a duration: use e.g. \"90s\", \"15m\", \"2h\", \"7d\","
                + " ISO-8601 such as \"PT1H30M\", or \"every 1d\" for results that all expire at fixed boundaries";
    }

    static String replayAsync() {
        return "[MemoReplayAsync] replayOutput on a method returning a future: its output is written later, on other"
                + " threads, and cannot be recorded; remove replayOutput, or print from the method that waits for the"
                + " future";
    }

    static String cannotWrite(String cls, String reason) {
        return "[MemoCannotWrite] could not write " + cls + ": " + reason;
    }
}
