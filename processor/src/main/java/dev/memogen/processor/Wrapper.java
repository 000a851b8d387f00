package dev.memogen.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;

/**
 * The pair of methods generated for one memoized method while it is written: the memoized method
 * ({@link #hit}, kept small so that the JIT inlines it) and its miss path ({@link #miss}), with
 * the names of their locals. A {@link KeyStrategy}'s emitter writes the lookup: the memory probe
 * in the first, the store lookup up to the flight in the second; {@link MemoWriter} the rest.
 *
 * <p>{@code call} is the call of the original method, {@code missCall} the name of the miss path
 * (qualified when it needs type arguments), {@code argList} the parameters' names, comma separated;
 * {@code h}, {@code k0}, {@code k1}, {@code cached}, {@code flight} and {@code c} name the locals
 * of the hasher, the key's two words, the store's answer, the flight and the memory entry.
 *
 * <p>An {@code ifPresent} wrapper writes the same lookup for {@code IfPresent.name}: a value found
 * is returned in an {@code Optional}, and where the memoized method would start a flight (or call
 * the method, memogen being disabled: {@code call} is then {@code Optional.empty()}) it returns
 * {@code Optional.empty()}.
 */
record Wrapper(MemoModel.Method m, MethodSpec.Builder method, MethodSpec.Builder missMethod, CodeBlock.Builder hit,
        CodeBlock.Builder miss, LocalNames names, String field, CodeBlock call, CodeBlock missCall, String argList,
        TypeName flightType, String h, String k0, String k1, String cached, String flight, String c,
        boolean ifPresent) {

    static Wrapper of(MemoModel.Method m, MethodSpec.Builder method, MethodSpec.Builder missMethod, LocalNames names,
            String field, CodeBlock call, CodeBlock missCall, String argList, boolean ifPresent) {
        return new Wrapper(m, method, missMethod, CodeBlock.builder(), CodeBlock.builder(), names, field, call,
                missCall, argList, ParameterizedTypeName.get(m.async() ? RuntimeNames.PENDING : RuntimeNames.FLIGHT,
                        m.returnType().typeName().box()),
                names.fresh("h"), names.fresh("k0"), names.fresh("k1"), names.fresh("cached"),
                names.fresh(m.async() ? "pending" : "flight"),
                names.fresh("c"), ifPresent);
    }

    /** The parameters' names followed by {@code more}. */
    String args(String... more) {
        String extra = String.join(", ", more);
        return argList.isEmpty() ? extra : argList + ", " + extra;
    }

    /** Emits, into {@code b}, hashing every argument into the hasher {@link #h} and finishing it. */
    void hashArguments(CodeBlock.Builder b, HashEmitter hashes) {
        b.beginControlFlow("try");
        for (MemoModel.Parameter p : m.parameters()) {
            hashes.emit(b, p.type(), p.name(), true, h, null, names);
        }
        b.nextControlFlow("finally").addStatement("$L.finish()", h).endControlFlow();
    }

    /** Emits, into {@code b}, the return of the value the lookup found in {@link #cached}, if any. */
    void returnIfFound(CodeBlock.Builder b) {
        b.beginControlFlow("if ($L != $T.MISS)", cached, RuntimeNames.MEMO_FUNCTION)
                .addStatement("return $L", returned(CodeBlock.of("$L.value($L)", field, cached)))
                .endControlFlow();
    }

    /**
     * The method that starts computing a missing value: {@code miss} (a {@code Flight}), or for a
     * future result {@code pending} (a {@code Pending}, which holds no flight while the future runs).
     */
    String start() {
        return m.async() ? "pending" : "miss";
    }

    /**
     * Emits, into {@code x}, the start of the computation of a missing value with {@code args}
     * ({@link #start}, into {@link #flight}); for {@code IfPresent}, the return of nothing instead.
     */
    void startFlight(CodeBlock.Builder x, String... args) {
        if (ifPresent) {
            x.addStatement("return $T.empty()", RuntimeNames.OPTIONAL);
            return;
        }
        x.addStatement("$T $L = $L.$L($L)", flightType, flight, field, start(), String.join(", ", args));
    }

    /** {@code value}, a value found, as the method returns it: a future's, in a completed future of the caller's own. */
    CodeBlock returned(CodeBlock value) {
        if (ifPresent) {
            // A future's value, even null, is present as a completed future; any other null is absent.
            return m.async() ? CodeBlock.of("$T.of($T.completedFuture($L))", RuntimeNames.OPTIONAL,
                            RuntimeNames.COMPLETABLE_FUTURE, value)
                    : CodeBlock.of("$T.ofNullable($L)", RuntimeNames.OPTIONAL, memoized(value));
        }
        if (m.async()) {
            return CodeBlock.of("$T.completedFuture($L)", RuntimeNames.COMPLETABLE_FUTURE, value);
        }
        return memoized(value);
    }

    /**
     * {@code value} as the type the method declares. A type variable bounded by a stored type: the
     * value is the bound's, as the method returned it for these arguments (an unchecked cast, as
     * safe as calling the method again).
     */
    private CodeBlock memoized(CodeBlock value) {
        return m.returnTypeName() instanceof TypeVariableName v ? CodeBlock.of("($T) $L", v, value) : value;
    }

    /** The value of memory entry {@link #c} as the method returns it: primitives from its bits, unboxed. */
    CodeBlock memoryValue() {
        if (!(m.returnType() instanceof ValueType.Primitive p)) {
            return returned(CodeBlock.of("$L.hit($L)", field, c));
        }
        CodeBlock bits = CodeBlock.of("$L.hitBits($L)", field, c);
        if (ifPresent) {
            return CodeBlock.of("$T.of($L)", RuntimeNames.OPTIONAL, primitive(p, bits));
        }
        return primitive(p, bits);
    }

    /** The value of type {@code p} whose bits are {@code bits}. */
    private static CodeBlock primitive(ValueType.Primitive p, CodeBlock bits) {
        return switch (p.kind()) {
            case LONG -> bits;
            case INT, SHORT, BYTE, CHAR -> CodeBlock.of("($T) $L", p.typeName(), bits);
            case BOOLEAN -> CodeBlock.of("$L != 0", bits);
            case DOUBLE -> CodeBlock.of("$T.longBitsToDouble($L)", Double.class, bits);
            case FLOAT -> CodeBlock.of("$T.intBitsToFloat((int) $L)", Float.class, bits);
            default -> throw new IllegalStateException("not a primitive: " + p);
        };
    }
}
