package dev.memogen.processor;

import com.palantir.javapoet.CodeBlock;

/**
 * The dispatch on a sealed type's permitted subtypes that each of its helpers starts with: an
 * {@code instanceof} test per subtype, in declaration order (the first that matches decides, the
 * same way for hashing, encoding and comparing), and a clear error for a subtype the generated
 * class was not written for (a sealed type of a library that gained a subtype since).
 */
final class Subtypes {
    private Subtypes() {}

    interface Body {
        /** Emits the code for a value of {@code subtype}, the {@code index}th, held in {@code variable}. */
        void emit(int index, ValueType subtype, String variable);
    }

    static void dispatch(CodeBlock.Builder b, ValueType.SealedType s, String v, LocalNames names, Body body) {
        for (int i = 0; i < s.subtypes().size(); i++) {
            ValueType subtype = s.subtypes().get(i);
            String x = names.fresh("x");
            if (i == 0) {
                b.beginControlFlow("if ($L instanceof $T $L)", v, subtype.typeName(), x);
            } else {
                b.nextControlFlow("else if ($L instanceof $T $L)", v, subtype.typeName(), x);
            }
            body.emit(i, subtype, x);
        }
        b.nextControlFlow("else");
        b.addStatement("throw $L", unknown(s, v));
        b.endControlFlow();
    }

    /** The exception for a value of a subtype that was not permitted when the class was generated. */
    static CodeBlock unknown(ValueType.SealedType s, String v) {
        return CodeBlock.of("new $T($L.getClass().getName() + $S)", IllegalArgumentException.class, v,
                " is not a permitted subtype of " + s.binaryName() + " that this class was generated for:"
                        + " recompile it");
    }
}
