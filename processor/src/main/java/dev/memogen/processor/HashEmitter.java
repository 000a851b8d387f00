package dev.memogen.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;

/**
 * Writes the code that feeds one value into a {@code KeyHasher}, specialised for its static type:
 * one rule per {@link ValueType} kind, following the hash spec ({@code docs/hash-spec.md}).
 */
final class HashEmitter {
    private final RecordHelpers helpers;

    HashEmitter(RecordHelpers helpers) {
        this.helpers = helpers;
    }

    /**
     * Emits code hashing {@code expr} (a variable name when {@code isVariable}) of type {@code t}
     * into the hasher named {@code h}, in a record helper with depth {@code depth} (null outside
     * the helpers).
     */
    void emit(CodeBlock.Builder b, ValueType t, String expr, boolean isVariable, String h, String depth,
            LocalNames names) {
        if (t instanceof ValueType.Primitive p) {
            b.addStatement("$L.put$L($L)", h, RuntimeNames.suffix(p.kind()), expr);
            return;
        }
        String v = expr;
        if (!isVariable) {
            v = names.fresh("v");
            b.addStatement("$T $L = $L", t.typeName(), v, expr);
        }
        b.beginControlFlow("if ($L == null)", v).addStatement("$L.putNull()", h).nextControlFlow("else");
        emitNonNull(b, t, v, h, depth, names);
        b.endControlFlow();
    }

    private void emitNonNull(CodeBlock.Builder b, ValueType t, String v, String h, String depth, LocalNames names) {
        if (t instanceof ValueType.Boxed x) {
            b.addStatement("$L.put$L($L)", h, RuntimeNames.suffix(x.kind()), v);
        } else if (t instanceof ValueType.Str) {
            b.addStatement("$L.putString($L)", h, v);
        } else if (t instanceof ValueType.JdkType j) {
            b.addStatement("$L.put$L($L)", h, j.kind().suffix(), v);
        } else if (t instanceof ValueType.EnumType e) {
            b.addStatement("$L.putEnum($L, $L.name())", h, helpers.typeTag(e.binaryName()), v);
        } else if (t instanceof ValueType.EnumVariable) {
            b.addStatement("$L.putEnum($T.typeTag($L.getDeclaringClass()), $L.name())", h, RuntimeNames.KEY_HASHER, v, v);
        } else if (t instanceof ValueType.Composite r) {
            b.addStatement("$L($L, $L$L)", helpers.hashHelper(r), h, v, helpers.depthArgument(r, depth));
        } else if (t instanceof ValueType.Adapted a) {
            // As the value the adapter stores (hash-spec.md, "Adapted types").
            emit(b, a.stored(), CodeBlock.of("$L.toStored($L)", a.field(), v).toString(), false, h, depth, names);
        } else if (t instanceof ValueType.RecordRef r) {
            b.addStatement("$L($L, $L$L)", helpers.hashHelper(r), h, v, helpers.depthArgument(r, depth));
        } else if (t instanceof ValueType.ArrayType a) {
            if (a.component() instanceof ValueType.Primitive p) {
                b.addStatement("$L.put$LArray($L)", h, RuntimeNames.suffix(p.kind()), v);
            } else {
                b.addStatement("$L.beginArray($L.length)", h, v);
                elements(b, a.component(), v, h, depth, names);
            }
        } else if (t instanceof ValueType.ListType l) {
            b.addStatement("$L.beginList($L.size())", h, v);
            elements(b, l.element(), v, h, depth, names);
        } else if (t instanceof ValueType.SetType || t instanceof ValueType.SortedSetType) {
            ValueType element = ((ValueType.Container) t).element(); // a Set, sorted or not: independent of its order
            unordered(b, v, h, names, "putSet", (child, e) -> {
                b.beginControlFlow("for ($T $L : $L)", element.typeName(), e, v);
                b.addStatement("$T $L = $L.child()", RuntimeNames.KEY_HASHER, child, h);
                emit(b, element, e, true, child, depth, names);
            });
        } else if (t instanceof ValueType.Mapping m) { // a Map, sorted or not: independent of its order
            unordered(b, v, h, names, "putMap", (child, e) -> {
                b.beginControlFlow("for ($T $L : $L.entrySet())",
                        ParameterizedTypeName.get(RuntimeNames.MAP_ENTRY, m.key().typeName(), m.value().typeName()),
                        e, v);
                b.addStatement("$T $L = $L.child()", RuntimeNames.KEY_HASHER, child, h);
                emit(b, m.key(), e + ".getKey()", false, child, depth, names);
                emit(b, m.value(), e + ".getValue()", false, child, depth, names);
            });
        } else if (t instanceof ValueType.SequenceType || t instanceof ValueType.DequeType) {
            sequence(b, ((ValueType.Container) t).element(), v, h, depth, names);
        } else if (t instanceof ValueType.ObjectState o) {
            // A receiver: as a record of its fields (hash-spec.md, "Receivers").
            b.addStatement("$L.beginRecord($L, $L)", h, helpers.typeTag(o.binaryName()), o.fields().size());
            for (ValueType.Field f : o.fields()) {
                String read = f.read(v);
                emit(b, f.type(), read, false, h, depth, names);
            }
        } else if (t instanceof ValueType.OptionalType o) {
            b.addStatement("$L.beginOptional($L.isPresent())", h, v);
            b.beginControlFlow("if ($L.isPresent())", v);
            emit(b, o.element(), v + ".get()", false, h, depth, names);
            b.endControlFlow();
        } else {
            throw new IllegalStateException("no hash rule for " + t);
        }
    }

    private void elements(CodeBlock.Builder b, ValueType element, String v, String h, String depth,
            LocalNames names) {
        String e = names.fresh("e");
        b.beginControlFlow("for ($T $L : $L)", element.typeName(), e, v);
        emit(b, element, e, true, h, depth, names);
        b.endControlFlow();
    }

    /**
     * A Collection, Iterable, Queue or Deque: as a Set when the value is one (order-independent),
     * else as a List in iteration order (the same stream as a List of the same elements). An
     * Iterable that is not a Collection is iterated once into a list first, to count it.
     */
    private void sequence(CodeBlock.Builder b, ValueType element, String v, String h, String depth,
            LocalNames names) {
        String s = names.fresh("s");
        b.addStatement("$T $L = $T.sized($L)", ParameterizedTypeName.get(RuntimeNames.COLLECTION,
                com.palantir.javapoet.WildcardTypeName.subtypeOf(element.typeName())), s, RuntimeNames.KEY_HASHER, v);
        b.beginControlFlow("if ($L instanceof $T)", s, RuntimeNames.SET);
        unordered(b, s, h, names, "putSet", (child, e) -> {
            b.beginControlFlow("for ($T $L : $L)", element.typeName(), e, s);
            b.addStatement("$T $L = $L.child()", RuntimeNames.KEY_HASHER, child, h);
            emit(b, element, e, true, child, depth, names);
        });
        b.nextControlFlow("else");
        b.addStatement("$L.beginList($L.size())", h, s);
        elements(b, element, s, h, depth, names);
        b.endControlFlow();
    }

    private interface Loop {
        void open(String child, String element);
    }

    /** Elements hashed one by one in child hashers; their sorted digests make the value's hash. */
    private void unordered(CodeBlock.Builder b, String v, String h, LocalNames names, String put, Loop loop) {
        String digests = names.fresh("digests");
        String n = names.fresh("n");
        String child = names.fresh("c");
        String e = names.fresh("e");
        b.addStatement("long[] $L = new long[2 * $L.size()]", digests, v);
        b.addStatement("int $L = 0", n);
        loop.open(child, e);
        b.addStatement("$L.finish()", child);
        b.addStatement("$L[$L++] = $L.high()", digests, n, child);
        b.addStatement("$L[$L++] = $L.low()", digests, n, child);
        b.endControlFlow();
        b.addStatement("$L.$L($L, $L)", h, put, digests, n);
    }

    /**
     * The body of {@code hashX(KeyHasher h, X v)} for a record or sealed type, or of
     * {@code hashX(KeyHasher h, X v, int depth)} if it is {@linkplain RecordHelpers#deep deep}.
     */
    CodeBlock recordBody(ValueType.Composite r) {
        CodeBlock.Builder b = CodeBlock.builder();
        LocalNames names = new LocalNames();
        names.reserve("h");
        names.reserve("v");
        String depth = helpers.deep(r) ? names.reserve("depth") : null;
        if (helpers.recursive(r)) {
            b.beginControlFlow("if (depth >= $T.LEVELS)", RuntimeNames.DEEP_VALUES);
            b.addStatement("$T.run(() -> $L(h, v, $T.HOP_START))", RuntimeNames.DEEP_VALUES, helpers.hashHelper(r),
                    RuntimeNames.DEEP_VALUES);
            b.addStatement("return");
            b.endControlFlow();
        }
        if (r instanceof ValueType.SealedType s) {
            // As the permitted subtype it is: its own type tag tells the subtypes apart.
            Subtypes.dispatch(b, s, "v", names, (i, subtype, x) -> emitNonNull(b, subtype, x, "h", depth, names));
            return b.build();
        }
        ValueType.RecordType record = (ValueType.RecordType) r;
        b.addStatement("h.beginRecord($L, $L)", helpers.typeTag(r.binaryName()), record.components().size());
        for (ValueType.Component c : record.components()) {
            emit(b, c.type(), "v." + c.name() + "()", false, "h", depth, names);
        }
        return b.build();
    }
}
