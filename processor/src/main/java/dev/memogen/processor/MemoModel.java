package dev.memogen.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * What to generate for one {@code @GenerateMemo} class. Plain, immutable data. {@code adapters}:
 * the constants holding the {@code MemoAdapter}s its methods' types use, by name.
 */
record MemoModel(TypeElement origin, ClassName target, ClassName generated, List<Method> methods,
        List<ValueType.Field> handles, java.util.Map<String, TypeName> adapters) {

    /**
     * One memoized method: the generated method mirrors its signature exactly. For an {@code async}
     * method ({@code CompletableFuture<T>} or {@code CompletionStage<T>}, {@link AsyncResult}),
     * {@code returnType} is {@code T}, the value that is stored.
     */
    record Method(
            String name,
            String functionId,
            String descriptor,
            String compileVersion,
            String sourceFingerprint,
            List<String> valueClasses,
            List<TypeVariableName> typeVariables,
            List<Parameter> parameters,
            boolean varargs,
            List<TypeName> thrown,
            TypeName returnTypeName,
            ValueType returnType,
            String javadocSignature,
            TtlSpec ttl,
            KeyStrategy key,
            boolean instance,
            boolean async,
            boolean replayOutput) {}

    /** A parameter of the generated method; for an instance method the first is the receiver. */
    record Parameter(String name, TypeName typeName, ValueType type) {}
}
