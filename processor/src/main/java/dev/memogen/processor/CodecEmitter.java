package dev.memogen.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;

/**
 * Writes the code that encodes a value into a {@code ValueWriter} and decodes it from a
 * {@code ValueReader}, specialised for its static type: one rule per {@link ValueType} kind.
 * References are preceded by a presence byte; collections by their size.
 */
final class CodecEmitter {
    private final RecordHelpers helpers;

    CodecEmitter(RecordHelpers helpers) {
        this.helpers = helpers;
    }

    // ---- encode ----

    /**
     * Emits code writing {@code expr} (nullable if a reference) to the writer named {@code out}, in
     * a record helper with depth {@code depth} (null outside the helpers).
     */
    void encode(CodeBlock.Builder b, ValueType t, String expr, boolean isVariable, String out, String depth,
            LocalNames names) {
        if (t instanceof ValueType.Primitive p) {
            b.addStatement("$L.write$L($L)", out, RuntimeNames.suffix(p.kind()), expr);
            return;
        }
        String v = expr;
        if (!isVariable) {
            v = names.fresh("v");
            b.addStatement("$T $L = $L", t.typeName(), v, expr);
        }
        b.addStatement("$L.writeBoolean($L != null)", out, v);
        b.beginControlFlow("if ($L != null)", v);
        encodeNonNull(b, t, v, out, depth, names);
        b.endControlFlow();
    }

    /** Emits code writing the non-null value in variable {@code v}. */
    void encodeNonNull(CodeBlock.Builder b, ValueType t, String v, String out, String depth, LocalNames names) {
        if (t instanceof ValueType.Primitive p) {
            b.addStatement("$L.write$L($L)", out, RuntimeNames.suffix(p.kind()), v);
        } else if (t instanceof ValueType.Boxed x) {
            b.addStatement("$L.write$L($L)", out, RuntimeNames.suffix(x.kind()), v);
        } else if (t instanceof ValueType.Str) {
            b.addStatement("$L.writeString($L)", out, v);
        } else if (t instanceof ValueType.EnumType) {
            b.addStatement("$L.writeString($L.name())", out, v);
        } else if (t instanceof ValueType.JdkType j) {
            b.addStatement("$L.write$L($L)", out, j.kind().suffix(), v);
        } else if (t instanceof ValueType.Composite r) {
            b.addStatement("$L($L, $L$L)", helpers.encodeHelper(r), out, v, helpers.depthArgument(r, depth));
        } else if (t instanceof ValueType.Adapted a) {
            encode(b, a.stored(), CodeBlock.of("$L.toStored($L)", a.field(), v).toString(), false, out, depth, names);
        } else if (t instanceof ValueType.RecordRef r) {
            b.addStatement("$L($L, $L$L)", helpers.encodeHelper(r), out, v, helpers.depthArgument(r, depth));
        } else if (t instanceof ValueType.ArrayType a) {
            if (a.component() instanceof ValueType.Primitive p) {
                b.addStatement("$L.write$LArray($L)", out, RuntimeNames.suffix(p.kind()), v);
            } else {
                b.addStatement("$L.writeSize($L.length)", out, v);
                encodeElements(b, a.component(), v, out, depth, names);
            }
        } else if (t instanceof ValueType.ListType l) {
            b.addStatement("$L.writeSize($L.size())", out, v);
            encodeElements(b, l.element(), v, out, depth, names);
        } else if (t instanceof ValueType.SetType s) {
            b.addStatement("$L.writeSize($L.size())", out, v);
            encodeElements(b, s.element(), v, out, depth, names);
        } else if (t instanceof ValueType.Mapping m) {
            String e = names.fresh("e");
            if (m instanceof ValueType.SortedMapType) {
                b.addStatement("$L.writeSortedSize($L.size(), $L.comparator())", out, v, v); // refuses a comparator
            } else {
                b.addStatement("$L.writeSize($L.size())", out, v);
            }
            b.beginControlFlow("for ($T $L : $L.entrySet())",
                    ParameterizedTypeName.get(RuntimeNames.MAP_ENTRY, m.key().typeName(), m.value().typeName()), e, v);
            encode(b, m.key(), e + ".getKey()", false, out, depth, names);
            encode(b, m.value(), e + ".getValue()", false, out, depth, names);
            b.endControlFlow();
        } else if (t instanceof ValueType.SortedSetType s) {
            b.addStatement("$L.writeSortedSize($L.size(), $L.comparator())", out, v, v);
            encodeElements(b, s.element(), v, out, depth, names);
        } else if (t instanceof ValueType.DequeType q) {
            b.addStatement("$L.writeDequeSize($L)", out, v);
            encodeElements(b, q.element(), v, out, depth, names);
        } else if (t instanceof ValueType.OptionalType o) {
            b.addStatement("$L.writeBoolean($L.isPresent())", out, v);
            b.beginControlFlow("if ($L.isPresent())", v);
            String x = names.fresh("x");
            b.addStatement("$T $L = $L.get()", o.element().typeName(), x, v);
            encodeNonNull(b, o.element(), x, out, depth, names);
            b.endControlFlow();
        } else {
            throw new IllegalStateException("no codec rule for " + t);
        }
    }

    private void encodeElements(CodeBlock.Builder b, ValueType element, String v, String out, String depth,
            LocalNames names) {
        String e = names.fresh("e");
        b.beginControlFlow("for ($T $L : $L)", element.typeName(), e, v);
        encode(b, element, e, true, out, depth, names);
        b.endControlFlow();
    }

    // ---- decode ----

    /**
     * Emits code reading a value of type {@code t} (with its presence byte if a reference) from
     * the reader named {@code in}, in a record helper with depth {@code depth} (null outside the
     * helpers); returns the variable or expression that holds it.
     */
    String decode(CodeBlock.Builder b, ValueType t, String in, String depth, LocalNames names) {
        if (t instanceof ValueType.Primitive p) {
            String v = names.fresh("v");
            b.addStatement("$T $L = $L.read$L()", t.typeName(), v, in, RuntimeNames.suffix(p.kind()));
            return v;
        }
        String v = names.fresh("v");
        b.addStatement("$T $L", declared(t), v);
        b.beginControlFlow("if ($L.readBoolean())", in);
        String x = decodeNonNull(b, t, in, depth, names);
        b.addStatement("$L = $L", v, x);
        b.nextControlFlow("else");
        b.addStatement("$L = null", v);
        b.endControlFlow();
        return v;
    }

    /** Emits code reading a non-null value; returns the variable or expression holding it. */
    String decodeNonNull(CodeBlock.Builder b, ValueType t, String in, String depth, LocalNames names) {
        if (t instanceof ValueType.Primitive p) {
            return in + ".read" + RuntimeNames.suffix(p.kind()) + "()";
        } else if (t instanceof ValueType.Boxed x) {
            return in + ".read" + RuntimeNames.suffix(x.kind()) + "()";
        } else if (t instanceof ValueType.Str) {
            return in + ".readString()";
        } else if (t instanceof ValueType.EnumType e) {
            return CodeBlock.of("$T.valueOf($L.readString())", e.typeName(), in).toString();
        } else if (t instanceof ValueType.JdkType j) {
            return in + ".read" + j.kind().suffix() + "()";
        } else if (t instanceof ValueType.Composite r) {
            return helpers.decodeHelper(r) + "(" + in + helpers.depthArgument(r, depth) + ")";
        } else if (t instanceof ValueType.Adapted a) {
            String x = decode(b, a.stored(), in, depth, names);
            return CodeBlock.of("$L.fromStored($L)", a.field(), x).toString();
        } else if (t instanceof ValueType.RecordRef r) {
            return helpers.decodeHelper(r) + "(" + in + helpers.depthArgument(r, depth) + ")";
        } else if (t instanceof ValueType.ArrayType a) {
            if (a.component() instanceof ValueType.Primitive p) {
                return in + ".read" + RuntimeNames.suffix(p.kind()) + "Array()";
            }
            // Grown as its elements are read, like a collection (see fill).
            String arr = names.fresh("array");
            String n = names.fresh("n");
            String i = names.fresh("i");
            b.addStatement("int $L = $L.readSize($L)", n, in, MIN_ELEMENT_BYTES);
            b.addStatement("$T $L = $L", declared(t), arr, newArray(a, initialCapacity(in, n)));
            b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, n, i);
            b.beginControlFlow("if ($L == $L.length)", i, arr);
            b.addStatement("$L = $T.copyOf($L, (int) $T.min($L, 2L * $L))", arr, RuntimeNames.ARRAYS, arr,
                    Math.class, n, i);
            b.endControlFlow();
            String x = decode(b, a.component(), in, depth, names);
            b.addStatement("$L[$L] = $L", arr, i, x);
            b.endControlFlow();
            return arr;
        } else if (t instanceof ValueType.Container c) {
            // Elements arrive in their stored order; a TreeSet in natural order holds them as they were.
            return fill(b, declared(t), implementation(t), c.element(), in, depth, names);
        } else if (t instanceof ValueType.Mapping m) {
            String map = names.fresh("map");
            String n = names.fresh("n");
            String i = names.fresh("i");
            b.addStatement("int $L = $L.readSize($L)", n, in, 2 * MIN_ELEMENT_BYTES); // a key and a value
            b.addStatement("$T $L = new $T<>($L)", declared(t), map, implementation(t),
                    m instanceof ValueType.SortedMapType ? "" : initialCapacity(in, n));
            b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, n, i);
            String k = decode(b, m.key(), in, depth, names);
            String val = decode(b, m.value(), in, depth, names);
            b.addStatement("$L.put($L, $L)", map, k, val);
            b.endControlFlow();
            return map;
        } else if (t instanceof ValueType.OptionalType o) {
            String opt = names.fresh("optional");
            b.addStatement("$T $L", declared(t), opt);
            b.beginControlFlow("if ($L.readBoolean())", in);
            String x = decodeNonNull(b, o.element(), in, depth, names);
            b.addStatement("$L = $T.of($L)", opt, RuntimeNames.OPTIONAL, x);
            b.nextControlFlow("else");
            b.addStatement("$L = $T.empty()", opt, RuntimeNames.OPTIONAL);
            b.endControlFlow();
            return opt;
        }
        throw new IllegalStateException("no codec rule for " + t);
    }

    private String fill(CodeBlock.Builder b, TypeName type, ClassName impl, ValueType element, String in,
            String depth, LocalNames names) {
        String c = names.fresh("collection");
        String n = names.fresh("n");
        String i = names.fresh("i");
        b.addStatement("int $L = $L.readSize($L)", n, in, MIN_ELEMENT_BYTES);
        if (impl.equals(RuntimeNames.TREE_SET)) {
            b.addStatement("$T $L = new $T<>()", type, c, impl); // no capacity: natural order
        } else {
            b.addStatement("$T $L = new $T<>($L)", type, c, impl, initialCapacity(in, n));
        }
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, n, i);
        String x = decode(b, element, in, depth, names);
        b.addStatement("$L.add($L)", c, x);
        b.endControlFlow();
        return c;
    }

    /**
     * The type of a local holding a decoded value: wildcards replaced by their bounds, so that
     * elements can be added, and collection interfaces by what is built when loading.
     */
    static TypeName declared(ValueType t) {
        if (t instanceof ValueType.ArrayType a) {
            return ArrayTypeName.of(a.component().typeName());
        }
        if (t instanceof ValueType.Container c) {
            return ParameterizedTypeName.get(implementation(t), c.element().typeName().box());
        }
        if (t instanceof ValueType.Mapping m) {
            return ParameterizedTypeName.get(implementation(t), m.key().typeName().box(), m.value().typeName().box());
        }
        if (t instanceof ValueType.OptionalType o) {
            return ParameterizedTypeName.get(RuntimeNames.OPTIONAL, o.element().typeName().box());
        }
        return t.typeName();
    }

    /** The class a collection is loaded as. */
    private static ClassName implementation(ValueType t) {
        if (t instanceof ValueType.ListType) {
            return RuntimeNames.ARRAY_LIST;
        } else if (t instanceof ValueType.SetType) {
            return RuntimeNames.LINKED_HASH_SET;
        } else if (t instanceof ValueType.SortedSetType) {
            return RuntimeNames.TREE_SET;
        } else if (t instanceof ValueType.DequeType) {
            return RuntimeNames.ARRAY_DEQUE;
        } else if (t instanceof ValueType.MapType) {
            return RuntimeNames.LINKED_HASH_MAP;
        } else if (t instanceof ValueType.SortedMapType) {
            return RuntimeNames.TREE_MAP;
        }
        throw new IllegalStateException(t + " is never loaded"); // a SequenceType is a parameter only
    }

    /**
     * The fewest bytes an element of a collection, array or map (a key, a value) takes: its
     * presence byte. Every element decoded here is a reference (primitive arrays are read by
     * {@code ValueReader}), so this is exact: a list of nulls takes one byte each.
     */
    private static final int MIN_ELEMENT_BYTES = 1;

    /**
     * The room made for {@code n} elements (a variable checked by {@code readSize}) before any is
     * read: at most a few, unless the reader's bytes are known to decode ({@code ValueReader.room}).
     */
    private static CodeBlock initialCapacity(String in, String n) {
        return CodeBlock.of("$L.room($L)", in, n);
    }

    /** {@code new X[n]} for an array type, {@code new int[n][]} for nested arrays. */
    private static CodeBlock newArray(ValueType.ArrayType a, CodeBlock length) {
        TypeName base = a.component().typeName();
        int dims = 0;
        while (base instanceof ArrayTypeName arr) {
            base = arr.componentType();
            dims++;
        }
        return CodeBlock.of("new $T[$L]$L", base, length, "[]".repeat(dims));
    }

    /**
     * The body of {@code encodeX(ValueWriter out, X v)} for a record or sealed type, with an
     * {@code int depth} after them if it is {@linkplain RecordHelpers#deep deep}.
     */
    CodeBlock encodeRecordBody(ValueType.Composite r) {
        CodeBlock.Builder b = CodeBlock.builder();
        LocalNames names = new LocalNames();
        names.reserve("out");
        names.reserve("v");
        String depth = helpers.deep(r) ? names.reserve("depth") : null;
        if (helpers.recursive(r)) {
            b.beginControlFlow("if (depth >= $T.LEVELS)", RuntimeNames.DEEP_VALUES);
            b.addStatement("$T.run(() -> $L(out, v, $T.HOP_START))", RuntimeNames.DEEP_VALUES,
                    helpers.encodeHelper(r), RuntimeNames.DEEP_VALUES);
            b.addStatement("return");
            b.endControlFlow();
        }
        if (r instanceof ValueType.SealedType s) {
            // The index of the permitted subtype, then the value as that subtype.
            Subtypes.dispatch(b, s, "v", names, (i, subtype, x) -> {
                b.addStatement("out.writeChoice($L)", i);
                encodeNonNull(b, subtype, x, "out", depth, names);
            });
            return b.build();
        }
        for (ValueType.Component c : ((ValueType.RecordType) r).components()) {
            encode(b, c.type(), "v." + c.name() + "()", false, "out", depth, names);
        }
        return b.build();
    }

    /**
     * The body of {@code decodeX(ValueReader in)} for a record or sealed type, with an
     * {@code int depth} after it if it is {@linkplain RecordHelpers#deep deep}.
     */
    CodeBlock decodeRecordBody(ValueType.Composite r) {
        CodeBlock.Builder b = CodeBlock.builder();
        LocalNames names = new LocalNames();
        names.reserve("in");
        String depth = helpers.deep(r) ? names.reserve("depth") : null;
        if (helpers.recursive(r)) {
            b.beginControlFlow("if (depth >= $T.LEVELS)", RuntimeNames.DEEP_VALUES);
            b.addStatement("return $T.call(() -> $L(in, $T.HOP_START))", RuntimeNames.DEEP_VALUES,
                    helpers.decodeHelper(r), RuntimeNames.DEEP_VALUES);
            b.endControlFlow();
        }
        if (r instanceof ValueType.SealedType s) {
            String choice = names.fresh("choice");
            b.addStatement("int $L = in.readChoice($L)", choice, s.subtypes().size());
            for (int i = 0; i < s.subtypes().size(); i++) {
                b.beginControlFlow("if ($L == $L)", choice, i);
                String x = decodeNonNull(b, s.subtypes().get(i), "in", depth, names);
                b.addStatement("return $L", x);
                b.endControlFlow();
            }
            b.addStatement("throw new $T($S)", IllegalStateException.class, "readChoice checked the index");
            return b.build();
        }
        StringBuilder args = new StringBuilder();
        for (ValueType.Component c : ((ValueType.RecordType) r).components()) {
            String x = decode(b, c.type(), "in", depth, names);
            args.append(args.length() == 0 ? "" : ", ").append(x);
        }
        TypeName raw = r.typeName() instanceof ParameterizedTypeName p ? p.rawType() : r.typeName();
        boolean generic = r.typeName() instanceof ParameterizedTypeName;
        b.addStatement("return new $T$L($L)", raw, generic ? "<>" : "", args);
        return b.build();
    }
}
