package dev.memogen.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * For methods whose arguments are values (primitives, their boxes, strings, enums and records of
 * those), the memory tier is keyed by a cheap hash of the arguments computed by generated code,
 * and a hit compares the arguments kept with the value against the call's: no key stream, no
 * XXH3 on a memory hit. Equality follows the hash spec (see {@code MemoryKeys}); the digest is
 * computed only when the store is needed.
 */
final class MemoryKeyEmitter {
    private final RecordHelpers helpers;
    private final ClassName generated;
    private final List<TypeSpec> keptRecords = new java.util.ArrayList<>();

    MemoryKeyEmitter(RecordHelpers helpers, ClassName generated) {
        this.helpers = helpers;
        this.generated = generated;
    }

    /**
     * One part of a memory key: a parameter, or a field of a receiver that is keyed by its fields
     * ({@link ValueType.ObjectState}), as an expression the generated methods can evaluate again.
     */
    record Part(ValueType type, String expr, String name) {}

    /** The parts of the memory key of a method with these parameters: a receiver's fields stand in for it. */
    static List<Part> parts(List<MemoModel.Parameter> params) {
        List<Part> parts = new java.util.ArrayList<>();
        for (MemoModel.Parameter p : params) {
            if (p.type() instanceof ValueType.ObjectState o) {
                for (ValueType.Field f : o.fields()) {
                    parts.add(new Part(f.type(), f.read(p.name()), f.name()));
                }
            } else {
                parts.add(new Part(p.type(), p.name(), p.name()));
            }
        }
        return parts;
    }

    /**
     * Whether every part is a value the memory tier can be keyed by (and there is one). A
     * receiver's fields are kept as a copy of their values, so a field changed later cannot
     * change what was kept.
     */
    static boolean applies(List<MemoModel.Parameter> params) {
        List<Part> parts = parts(params);
        if (parts.isEmpty()) {
            return false;
        }
        for (Part p : parts) {
            if (!isValue(p.type(), new HashSet<>())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Immutable all the way down, so that arguments kept with a value cannot change. Generic
     * records are left out: their kept arguments could only be cast back unchecked.
     */
    private static boolean isValue(ValueType t, Set<String> visiting) {
        if (t instanceof ValueType.Primitive || t instanceof ValueType.Boxed || t instanceof ValueType.Str
                || t instanceof ValueType.EnumType || t instanceof ValueType.EnumVariable
                || t instanceof ValueType.RecordRef) {
            return true;
        }
        if (t instanceof ValueType.JdkType j) {
            return !j.mutable(); // a BitSet or a StringBuilder kept with a value could change
        }
        if (t instanceof ValueType.RecordType r) {
            if (r.typeName() instanceof ParameterizedTypeName) {
                return false;
            }
            if (!visiting.add(r.key())) {
                return true; // a record that contains itself: its components are being checked
            }
            for (ValueType.Component c : r.components()) {
                if (!isValue(c.type(), visiting)) {
                    return false;
                }
            }
            return true;
        }
        if (t instanceof ValueType.SealedType s) {
            if (!visiting.add(s.key())) {
                return true;
            }
            for (ValueType subtype : s.subtypes()) {
                if (!isValue(subtype, visiting)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The lookup of a method keyed by a hash of its values ({@link KeyStrategy.ValueHash}): the
     * memoized method hashes the arguments cheaply, probes memory and compares the arguments kept
     * with the value; the miss path makes the key stream and its digest, reads the store and
     * starts the flight, keeping the arguments with the value.
     */
    void lookup(Wrapper w, KeyStrategy.ValueHash key, HashEmitter hashes) {
        CodeBlock.Builder b = w.hit();
        CodeBlock.Builder x = w.miss();
        List<Part> ps = parts(w.m().parameters());
        // A receiver's fields are read once, into locals, for both the hash and the comparison.
        List<Part> hp = new java.util.ArrayList<>();
        for (Part p : ps) {
            if (javax.lang.model.SourceVersion.isIdentifier(p.expr())) {
                hp.add(p);
            } else {
                String f = w.names().fresh("f");
                b.addStatement("$T $L = $L", p.type().typeName(), f, p.expr());
                hp.add(new Part(p.type(), f, p.name()));
            }
        }
        String mk = w.names().fresh("m");
        String args = w.names().fresh("args");
        String argsBytes = w.names().fresh("argsBytes");
        // The last primitive argument's bits are the memory key's second word: the tier compares
        // them with the key, and a hit does not load that argument from those kept (a box, one
        // dependent load fewer). Its bits are equal exactly when the arguments are the same key
        // (MemoryKeys.same compares floating point by its bits too).
        int inKey = key.inKey();
        String m1 = "0L";
        if (inKey >= 0) {
            m1 = w.names().fresh("m1");
            b.addStatement("long $L = $L", m1, hash(hp.get(inKey).type(), hp.get(inKey).expr(), null));
        }
        for (int i = 0; i < ps.size(); i++) {
            CodeBlock part = i == inKey ? CodeBlock.of("$L", m1) : hash(hp.get(i).type(), hp.get(i).expr(), null);
            if (i == 0) {
                b.addStatement("long $L = $L", mk, part);
            } else {
                b.addStatement("$L = 31 * $L + $L", mk, mk, part);
            }
        }
        b.addStatement("$T $L = $L.probe($L, $L)", RuntimeNames.CACHED, w.c(), w.field(), mk, m1);
        // The arguments kept with the value, to compare with the call's: one alone as itself, more
        // in a record of the generated class (its fields are one load away, where an Object[] of
        // boxes is three).
        List<Integer> kept = new java.util.ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            if (i != inKey) {
                kept.add(i);
            }
        }
        ClassName keptType = kept.size() > 1 ? keptRecord(w, hp, kept) : null;
        String k = w.names().fresh("kept");
        CodeBlock.Builder same = CodeBlock.builder();
        if (keptType != null) {
            same.add("$L.args() instanceof $T $L", w.c(), keptType, k);
        }
        for (int i : kept) {
            Part p = hp.get(i);
            CodeBlock keptValue = keptType != null ? CodeBlock.of("$L.$L()", k, componentName(hp, kept, i))
                    : keptAs(p.type(), CodeBlock.of("$L.args()", w.c()));
            same.add(same.isEmpty() ? "" : "\n&& ")
                    .add(same(p.type(), keptValue, CodeBlock.of("$L", p.expr()), null));
        }
        if (same.isEmpty()) {
            b.beginControlFlow("if ($L != null)", w.c());
        } else {
            b.beginControlFlow("if ($L != null\n$>$>&& $L$<$<)", w.c(), same.build());
        }
        b.addStatement("return $L", w.memoryValue()).endControlFlow();
        if (inKey >= 0) {
            b.addStatement("return $L($L)", w.missCall(), w.args(mk, m1));
            w.missMethod().addParameter(long.class, mk).addParameter(long.class, m1);
        } else {
            b.addStatement("return $L($L)", w.missCall(), w.args(mk));
            w.missMethod().addParameter(long.class, mk);
        }
        x.addStatement("$T $L = $L.begin()", RuntimeNames.KEY_HASHER, w.h(), w.field());
        x.beginControlFlow("if ($L == null)", w.h()).addStatement("return $L", w.call()).endControlFlow();
        w.hashArguments(x, hashes);
        x.addStatement("long $L = $L.high()", w.k0(), w.h());
        x.addStatement("long $L = $L.low()", w.k1(), w.h());
        x.addStatement("long $L = $L.length()", argsBytes, w.h());
        if (keptType != null) {
            x.addStatement("Object $L = new $T($L)", args, keptType,
                    kept.stream().map(i -> ps.get(i).expr()).collect(java.util.stream.Collectors.joining(", ")));
        } else {
            x.addStatement("Object $L = $L", args, ps.get(kept.isEmpty() ? 0 : kept.get(0)).expr());
        }
        x.addStatement("Object $L = $L.load($L, $L, $L, $L, $L, $L)", w.cached(), w.field(), w.k0(), w.k1(), mk, m1,
                args, argsBytes);
        w.returnIfFound(x);
        w.startFlight(x, w.k0(), w.k1(), mk, m1, args, argsBytes);
    }

    /** The records of kept arguments that {@link #lookup} declared, to add to the generated class. */
    List<TypeSpec> keptRecords() {
        return keptRecords;
    }

    /**
     * Declares {@code private record PriceArgs(String region, double rate, int scale)}: the
     * arguments {@code kept} of a method, named after its function constant.
     */
    private ClassName keptRecord(Wrapper w, List<Part> parts, List<Integer> kept) {
        StringBuilder name = new StringBuilder();
        for (String word : w.field().split("_")) {
            if (!word.isEmpty()) {
                name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        ClassName type = generated.nestedClass(name + "Args");
        if (keptRecords.stream().anyMatch(r -> r.name().equals(type.simpleName()))) {
            return type; // declared for the memoized method already; IfPresent's lookup keeps the same
        }
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
        for (int i : kept) {
            ValueType t = parts.get(i).type();
            // A type variable's value is compared by identity: kept as an Object.
            TypeName declared = t instanceof ValueType.EnumVariable ? ClassName.OBJECT : t.typeName();
            constructor.addParameter(declared, componentName(parts, kept, i));
        }
        keptRecords.add(TypeSpec.recordBuilder(type)
                .addModifiers(Modifier.PRIVATE)
                .addJavadoc("The arguments of {@link #$L} kept with a value in memory.\n", w.m().name())
                .recordConstructor(constructor.build())
                .build());
        return type;
    }

    /** The name of part {@code i} in a record of kept arguments: its own, made unique among them. */
    private static String componentName(List<Part> parts, List<Integer> kept, int i) {
        String base = parts.get(i).name();
        int same = 0;
        for (int j : kept) {
            if (j < i && parts.get(j).name().equals(base)) {
                same++;
            }
        }
        return same == 0 ? base : base + "$" + (same + 1);
    }

    /**
     * A {@code long} expression hashing {@code expr} (evaluated once) of type {@code t}, in a record
     * helper with depth {@code depth} (null outside the helpers).
     */
    CodeBlock hash(ValueType t, String expr, String depth) {
        if (t instanceof ValueType.Primitive p) {
            return switch (p.kind()) {
                case BOOLEAN -> CodeBlock.of("($L ? 1L : 0L)", expr);
                case FLOAT -> CodeBlock.of("$T.floatToIntBits($L)", Float.class, expr);
                case DOUBLE -> CodeBlock.of("$T.doubleToLongBits($L)", Double.class, expr);
                default -> CodeBlock.of("$L", expr);
            };
        }
        if (t instanceof ValueType.JdkType j) {
            return CodeBlock.of("$T.$L($L)", RuntimeNames.MEMORY_KEYS, j.kind().memoryHash(), expr);
        }
        if (t instanceof ValueType.Composite r) {
            return CodeBlock.of("$L($L$L)", helpers.memoryHashHelper(r), expr, helpers.depthArgument(r, depth));
        }
        if (t instanceof ValueType.RecordRef r) {
            return CodeBlock.of("$L($L$L)", helpers.memoryHashHelper(r), expr, helpers.depthArgument(r, depth));
        }
        return CodeBlock.of("$T.hash($L)", RuntimeNames.MEMORY_KEYS, expr);
    }

    /**
     * A {@code boolean} expression: whether {@code a} and {@code b} of type {@code t} make the same
     * key, in a record helper with depth {@code depth} (null outside the helpers).
     */
    CodeBlock same(ValueType t, CodeBlock a, CodeBlock b, String depth) {
        if (t instanceof ValueType.Primitive p) {
            return switch (p.kind()) {
                case FLOAT, DOUBLE -> CodeBlock.of("$T.same($L, $L)", RuntimeNames.MEMORY_KEYS, a, b);
                default -> CodeBlock.of("$L == $L", a, b);
            };
        }
        if (t instanceof ValueType.EnumType || t instanceof ValueType.EnumVariable) {
            return CodeBlock.of("$L == $L", a, b);
        }
        if (t instanceof ValueType.JdkType j) {
            return CodeBlock.of("$T.$L($L, $L)", RuntimeNames.MEMORY_KEYS, j.kind().memorySame(), a, b);
        }
        if (t instanceof ValueType.Composite r) {
            return CodeBlock.of("$L($L, $L$L)", helpers.sameHelper(r), a, b, helpers.depthArgument(r, depth));
        }
        if (t instanceof ValueType.RecordRef r) {
            return CodeBlock.of("$L($L, $L$L)", helpers.sameHelper(r), a, b, helpers.depthArgument(r, depth));
        }
        return CodeBlock.of("$T.same($L, $L)", RuntimeNames.MEMORY_KEYS, a, b);
    }

    /**
     * The kept argument {@code kept} (an {@code Object}) cast back to the parameter's type; for a
     * primitive, unboxed.
     */
    static CodeBlock keptAs(ValueType t, CodeBlock kept) {
        if (t instanceof ValueType.Primitive p) {
            return CodeBlock.of("(($T) $L).$LValue()", p.typeName().box(), kept, p.typeName());
        }
        if (t instanceof ValueType.EnumVariable) {
            return kept; // compared by identity
        }
        return CodeBlock.of("(($T) $L)", t.typeName(), kept);
    }

    /**
     * The body of {@code memoryHashX(X v)} for a record or sealed type, with an {@code int depth}
     * after it if it is {@linkplain RecordHelpers#deep deep}. Past {@code DeepValues.LEVELS} it
     * hashes no deeper (no hop: it is only a hash, and a hit compares the arguments in full).
     */
    CodeBlock recordHashBody(ValueType.Composite r) {
        CodeBlock.Builder b = CodeBlock.builder();
        String depth = helpers.deep(r) ? "depth" : null;
        if (helpers.recursive(r)) {
            b.beginControlFlow("if (depth >= $T.LEVELS)", RuntimeNames.DEEP_VALUES)
                    .addStatement("return $T.DEEP", RuntimeNames.MEMORY_KEYS)
                    .endControlFlow();
        }
        b.beginControlFlow("if (v == null)").addStatement("return $T.NULL", RuntimeNames.MEMORY_KEYS).endControlFlow();
        if (r instanceof ValueType.SealedType s) {
            // Subtypes are records and enums whose hashes already differ by class, mostly; a hit compares in full.
            Subtypes.dispatch(b, s, "v", new LocalNames(), (i, subtype, x) ->
                    b.addStatement("return $L", hash(subtype, x, depth)));
            return b.build();
        }
        ValueType.RecordType record = (ValueType.RecordType) r;
        b.addStatement("long h = $L", record.components().size());
        for (ValueType.Component c : record.components()) {
            b.addStatement("h = 31 * h + $L", hash(c.type(), "v." + c.name() + "()", depth));
        }
        b.addStatement("return h");
        return b.build();
    }

    /**
     * The body of {@code sameX(X a, X b)} for a record or sealed type, with an {@code int depth}
     * after them if it is {@linkplain RecordHelpers#deep deep}.
     */
    CodeBlock recordSameBody(ValueType.Composite r) {
        CodeBlock.Builder b = CodeBlock.builder();
        String depth = helpers.deep(r) ? "depth" : null;
        if (helpers.recursive(r)) {
            b.beginControlFlow("if (depth >= $T.LEVELS)", RuntimeNames.DEEP_VALUES)
                    .addStatement("return $T.test(() -> $L(a, b, $T.HOP_START))", RuntimeNames.DEEP_VALUES,
                            helpers.sameHelper(r), RuntimeNames.DEEP_VALUES)
                    .endControlFlow();
        }
        b.beginControlFlow("if (a == b)").addStatement("return true").endControlFlow();
        b.beginControlFlow("if (a == null || b == null)").addStatement("return false").endControlFlow();
        if (r instanceof ValueType.SealedType s) {
            LocalNames names = new LocalNames();
            Subtypes.dispatch(b, s, "a", names, (i, subtype, x) -> {
                String y = names.fresh("y");
                b.addStatement("return b instanceof $T $L && $L", subtype.typeName(), y,
                        same(subtype, CodeBlock.of("$L", x), CodeBlock.of("$L", y), depth));
            });
            return b.build();
        }
        ValueType.RecordType record = (ValueType.RecordType) r;
        CodeBlock.Builder all = CodeBlock.builder();
        for (int i = 0; i < record.components().size(); i++) {
            ValueType.Component c = record.components().get(i);
            all.add(i == 0 ? "" : "\n$>$>&& $<$<").add(same(c.type(), CodeBlock.of("a.$L()", c.name()),
                    CodeBlock.of("b.$L()", c.name()), depth));
        }
        b.addStatement("return $L", record.components().isEmpty() ? CodeBlock.of("true") : all.build());
        return b.build();
    }
}
