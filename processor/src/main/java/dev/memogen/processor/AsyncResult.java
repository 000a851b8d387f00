package dev.memogen.processor;

import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * A method that returns a future, {@code CompletableFuture<T>} or {@code CompletionStage<T>}: what
 * is stored is the value {@code T} the future completes with, classified as any other result.
 * Only the return type itself may be a future (a future inside a record or a list is no value).
 */
final class AsyncResult {
    private AsyncResult() {}

    /** Whether {@code type} is {@code CompletableFuture} or {@code CompletionStage}, raw or not. */
    static boolean isFuture(TypeMirror type) {
        if (type.getKind() != TypeKind.DECLARED) {
            return false;
        }
        TypeElement e = (TypeElement) ((DeclaredType) type).asElement();
        return e.getQualifiedName().contentEquals("java.util.concurrent.CompletableFuture")
                || e.getQualifiedName().contentEquals("java.util.concurrent.CompletionStage");
    }

    /**
     * Classifies the value a future return type ({@link #isFuture}) completes with: the stored
     * type, or why it cannot be stored, naming it.
     */
    static TypeClassifier.Result classify(TypeMirror future, TypeClassifier classifier) {
        List<? extends TypeMirror> arguments = ((DeclaredType) future).getTypeArguments();
        if (arguments.size() != 1) {
            return TypeClassifier.Result.no(Messages.FUTURE_RAW);
        }
        TypeMirror value = arguments.get(0);
        if (value.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) value).asElement()).getQualifiedName().contentEquals("java.lang.Void")) {
            return TypeClassifier.Result.no(Messages.FUTURE_VOID);
        }
        if (value.getKind() == TypeKind.TYPEVAR) {
            return TypeClassifier.Result.no(Messages.futureValue(value.toString(),
                    "a future of a type variable is not supported; return a future of a concrete type"));
        }
        TypeClassifier.Result r = classifier.classify(value, TypeClassifier.Use.RESULT);
        return r.isOk() || r.unresolved() != null ? r
                : TypeClassifier.Result.no(Messages.futureValue(value.toString(), r.unsupported()));
    }
}
