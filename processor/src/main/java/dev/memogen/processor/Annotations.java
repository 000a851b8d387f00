package dev.memogen.processor;

import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/** memogen's annotations, found by name: the processor never loads runtime classes. */
final class Annotations {
    static final String GENERATE_MEMO = "dev.memogen.GenerateMemo";
    static final String MEMO = "dev.memogen.Memo";
    static final String SKIP = "dev.memogen.Memo.Skip";
    static final String IGNORE = "dev.memogen.Memo.Ignore";
    static final String PATH_ONLY = "dev.memogen.Memo.PathOnly";

    private Annotations() {}

    static AnnotationMirror find(Element e, String qualifiedName) {
        for (AnnotationMirror a : e.getAnnotationMirrors()) {
            TypeElement type = (TypeElement) a.getAnnotationType().asElement();
            if (type.getQualifiedName().contentEquals(qualifiedName)) {
                return a;
            }
        }
        return null;
    }

    /** The value of a string member, or {@code ""} when absent. */
    static String stringValue(AnnotationMirror a, String member) {
        if (a == null) {
            return "";
        }
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : a.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(member)) {
                return String.valueOf(e.getValue().getValue());
            }
        }
        return "";
    }
}
