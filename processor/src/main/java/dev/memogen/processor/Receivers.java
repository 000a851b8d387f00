package dev.memogen.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The receiver of a memoized instance method: what of it is part of the key. A record counts by
 * its components, an enum constant by its name, any other object by its instance fields (those of
 * its superclasses first, then its own, each in declaration order), except those marked
 * {@code @Memo.Ignore}.
 */
final class Receivers {
    private Receivers() {}

    /** Whether {@code m} is an instance method that memogen memoizes (before type checks). */
    static boolean memoizable(ExecutableElement m) {
        Set<Modifier> mods = m.getModifiers();
        TypeElement cls = (TypeElement) m.getEnclosingElement();
        return !mods.contains(Modifier.STATIC) && !mods.contains(Modifier.PRIVATE) && !mods.contains(Modifier.ABSTRACT)
                && m.getReturnType().getKind() != TypeKind.VOID
                && Annotations.find(m, Annotations.SKIP) == null
                && cls.getTypeParameters().isEmpty() && !inner(cls)
                && !objectMethod(m) && !recordAccessor(m, cls);
    }

    /**
     * Why an instance method that is not memoized is left out, for the {@code [MemoLeftOut]} note;
     * null when it plainly is not meant to be (Object's methods, a record's accessors).
     */
    static String whyLeftOut(ExecutableElement m) {
        TypeElement cls = (TypeElement) m.getEnclosingElement();
        if (objectMethod(m) || recordAccessor(m, cls)) {
            return null;
        }
        if (m.getModifiers().contains(Modifier.ABSTRACT)) {
            return Messages.LEFT_OUT_ABSTRACT;
        }
        if (!cls.getTypeParameters().isEmpty()) {
            return Messages.LEFT_OUT_GENERIC_RECEIVER;
        }
        if (inner(cls)) {
            return Messages.LEFT_OUT_INNER_RECEIVER;
        }
        return null;
    }

    /**
     * An inner (non-static member) class: its methods can read the enclosing instance, whose state
     * is not part of the key, so its instance methods are not memoized.
     */
    private static boolean inner(TypeElement cls) {
        return cls.getNestingKind() == javax.lang.model.element.NestingKind.MEMBER
                && !cls.getModifiers().contains(Modifier.STATIC) && cls.getKind() == ElementKind.CLASS;
    }

    /** {@code equals}, {@code hashCode}, {@code toString}: what every object has, never a computation to remember. */
    private static boolean objectMethod(ExecutableElement m) {
        String name = m.getSimpleName().toString();
        int n = m.getParameters().size();
        return (name.equals("hashCode") && n == 0) || (name.equals("toString") && n == 0)
                || (name.equals("equals") && n == 1
                        && m.getParameters().get(0).asType().toString().equals("java.lang.Object"));
    }

    /** Whether {@code m} is an accessor of a component of record {@code cls}. */
    static boolean recordAccessor(ExecutableElement m, TypeElement cls) {
        return cls.getKind() == ElementKind.RECORD && m.getParameters().isEmpty()
                && ElementFilter.recordComponentsIn(cls.getEnclosedElements()).stream()
                        .anyMatch(c -> c.getSimpleName().equals(m.getSimpleName()));
    }

    /** Whether the state of {@code cls} is its fields (not a record's components, not an enum's name). */
    static boolean keyedByFields(TypeElement cls) {
        return cls.getKind() == ElementKind.CLASS;
    }

    /** A superclass whose private state the generated class could not read: the JDK's. */
    static boolean unreadable(TypeElement superclass) {
        String name = superclass.getQualifiedName().toString();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    /**
     * The superclasses of {@code cls} up to {@code Object}, outermost first, and {@code cls}
     * itself last.
     */
    static List<TypeElement> hierarchy(TypeElement cls) {
        Deque<TypeElement> chain = new ArrayDeque<>();
        for (TypeElement t = cls; t != null; ) {
            if (t.getQualifiedName().contentEquals("java.lang.Object")) {
                break;
            }
            chain.addFirst(t);
            TypeMirror sup = t.getSuperclass();
            t = sup.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) sup).asElement() : null;
        }
        return new ArrayList<>(chain);
    }

    /** The instance fields of {@code t} itself that are part of the key (not static, not ignored). */
    static List<VariableElement> keyFields(TypeElement t) {
        List<VariableElement> fields = new ArrayList<>();
        for (VariableElement f : ElementFilter.fieldsIn(t.getEnclosedElements())) {
            if (!f.getModifiers().contains(Modifier.STATIC) && Annotations.find(f, Annotations.IGNORE) == null) {
                fields.add(f);
            }
        }
        return fields;
    }

    /**
     * The state of a receiver of class {@code cls} whose fields passed validation: each field read
     * directly when the generated class (in {@code cls}'s package) can name it, else through a
     * {@code VarHandle} constant, whose description is added to {@code handles}.
     */
    static ValueType.ObjectState state(TypeElement cls, TypeClassifier classifier, Elements elements, Types types,
            List<ValueType.Field> handles) {
        String pkg = elements.getPackageOf(cls).getQualifiedName().toString();
        List<ValueType.Field> fields = new ArrayList<>();
        for (TypeElement t : hierarchy(cls)) {
            for (VariableElement f : keyFields(t)) {
                ValueType type = classifier.classify(f.asType(), TypeClassifier.Use.PARAMETER).type();
                boolean direct = !f.getModifiers().contains(Modifier.PRIVATE)
                        && (f.getModifiers().contains(Modifier.PUBLIC)
                                || elements.getPackageOf(t).getQualifiedName().contentEquals(pkg));
                String handle = null;
                if (!direct) {
                    handle = handleName(t, f, handles);
                }
                ValueType.Field field = new ValueType.Field(f.getSimpleName().toString(), type, ClassName.get(t), handle,
                        TypeName.get(types.erasure(f.asType())));
                if (handle != null) {
                    handles.add(field);
                }
                fields.add(field);
            }
        }
        return new ValueType.ObjectState(ClassName.get(cls), elements.getBinaryName(cls).toString(), List.copyOf(fields));
    }

    private static String handleName(TypeElement owner, VariableElement f, List<ValueType.Field> taken) {
        String base = "FIELD_" + owner.getSimpleName().toString().toUpperCase(Locale.ROOT) + "_"
                + f.getSimpleName().toString().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        String name = base;
        for (int i = 2; contains(taken, name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    private static boolean contains(List<ValueType.Field> handles, String name) {
        for (ValueType.Field h : handles) {
            if (name.equals(h.handle())) {
                return true;
            }
        }
        return false;
    }
}
