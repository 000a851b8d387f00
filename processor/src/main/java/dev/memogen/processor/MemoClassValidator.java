package dev.memogen.processor;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Checks a {@code @GenerateMemo} class and its methods; reports every problem it finds. */
final class MemoClassValidator {
    private final Elements elements;
    private final Types types;

    MemoClassValidator(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    Report validate(TypeElement cls, AnnotationMirror generateMemo) {
        Report report = new Report();
        ElementKind kind = cls.getKind();
        if (kind != ElementKind.CLASS && kind != ElementKind.RECORD && kind != ElementKind.ENUM) {
            report.error(Messages.notAClass(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')),
                    cls, generateMemo);
            return report;
        }
        if (!accessible(cls)) {
            report.error(Messages.notAccessible(cls.getQualifiedName().toString()), cls, generateMemo);
            return report;
        }
        String pkg = elements.getPackageOf(cls).getQualifiedName().toString();
        Adapters adapters = Adapters.of(cls, elements, types, report);
        TypeClassifier classifier = new TypeClassifier(elements, types, pkg, adapters);
        int memoized = 0;
        List<String> leftOut = new ArrayList<>();
        for (ExecutableElement m : ElementFilter.methodsIn(cls.getEnclosedElements())) {
            if (validateMethod(m, classifier, report)) {
                memoized++;
            } else {
                String reason = whyLeftOut(m, cls);
                if (reason != null) {
                    leftOut.add(signature(m) + " (" + reason + ")");
                }
            }
        }
        validateReceiver(cls, classifier, report);
        if (memoized == 0 && !report.hasErrors()) {
            report.warning(Messages.nothingToMemoize(cls.getSimpleName().toString(), leftOut), cls);
        } else if (!leftOut.isEmpty()) {
            report.note(Messages.leftOut(cls.getSimpleName().toString(), leftOut), cls);
        }
        return report;
    }

    /**
     * Why a method without {@code @Memo} or {@code @Memo.Skip} is not memoized, or {@code null}
     * when it is, or is plainly not meant to be: a {@code main} method, an override (toString,
     * equals, an interface's method), a record's accessor, an enum's {@code values()}.
     */
    private String whyLeftOut(ExecutableElement m, TypeElement cls) {
        if (memoizable(m) || Annotations.find(m, Annotations.MEMO) != null || Annotations.find(m, Annotations.SKIP) != null
                || isMain(m) || Receivers.recordAccessor(m, cls) || enumMethodOfTheLanguage(m)) {
            return null;
        }
        if (m.getReturnType().getKind() == TypeKind.VOID) {
            return Messages.LEFT_OUT_VOID;
        }
        if (m.getModifiers().contains(Modifier.PRIVATE)) {
            return Messages.LEFT_OUT_PRIVATE;
        }
        return Receivers.whyLeftOut(m);
    }

    /**
     * For a class with memoized instance methods: every field that is part of the key can be
     * hashed (an error on the field otherwise), the JDK superclasses it extends hold no state, and
     * no instance method's wrapper (receiver first) has a static method's signature.
     */
    private void validateReceiver(TypeElement cls, TypeClassifier classifier, Report report) {
        List<ExecutableElement> instance = ElementFilter.methodsIn(cls.getEnclosedElements()).stream()
                .filter(m -> !m.getModifiers().contains(Modifier.STATIC) && memoizable(m)).toList();
        if (instance.isEmpty()) {
            return;
        }
        for (ExecutableElement m : instance) {
            List<javax.lang.model.type.TypeMirror> wrapper = new ArrayList<>();
            wrapper.add(types.erasure(cls.asType()));
            m.getParameters().forEach(p -> wrapper.add(types.erasure(p.asType())));
            for (ExecutableElement s : ElementFilter.methodsIn(cls.getEnclosedElements())) {
                if (s.getModifiers().contains(Modifier.STATIC) && memoizable(s)
                        && s.getSimpleName().equals(m.getSimpleName()) && s.getParameters().size() == wrapper.size()
                        && sameErasures(s, wrapper)) {
                    report.error(Messages.wrapperClash(m.getSimpleName() + "(" + wrapper.stream()
                            .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")) + ")"), m);
                }
            }
        }
        if (!Receivers.keyedByFields(cls)) {
            return; // a record by its components, an enum constant by its name
        }
        String name = cls.getSimpleName().toString();
        for (TypeElement t : Receivers.hierarchy(cls)) {
            List<VariableElement> fields = Receivers.keyFields(t);
            if (t != cls && Receivers.unreadable(t)) {
                if (!fields.isEmpty()) {
                    report.error(Messages.unreadableSuperclass(name, t.getQualifiedName().toString(),
                            fields.stream().map(f -> f.getSimpleName().toString()).toList().toString()), cls);
                }
                continue;
            }
            for (VariableElement f : fields) {
                TypeClassifier.Result r = classifier.classify(f.asType(), TypeClassifier.Use.PARAMETER);
                if (r.unresolved() != null) {
                    report.unresolved(r.unresolved(), f);
                } else if (!r.isOk()) {
                    report.error(Messages.fieldUnhashable(name, f.getSimpleName().toString(), f.asType().toString(),
                            r.unsupported()), t == cls ? f : cls);
                }
            }
        }
    }

    private boolean sameErasures(ExecutableElement s, List<javax.lang.model.type.TypeMirror> wrapper) {
        for (int i = 0; i < wrapper.size(); i++) {
            if (!types.isSameType(types.erasure(s.getParameters().get(i).asType()), wrapper.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMain(ExecutableElement m) {
        List<? extends VariableElement> p = m.getParameters();
        return m.getSimpleName().contentEquals("main") && m.getReturnType().getKind() == TypeKind.VOID
                && (p.isEmpty() || (p.size() == 1 && p.get(0).asType().toString().equals("java.lang.String[]")));
    }

    /** {@code name(int, java.lang.String)}: enough to tell overloads apart. */
    private String signature(ExecutableElement m) {
        StringBuilder s = new StringBuilder(m.getSimpleName()).append('(');
        for (VariableElement p : m.getParameters()) {
            s.append(s.charAt(s.length() - 1) == '(' ? "" : ", ").append(types.erasure(p.asType()));
        }
        return s.append(')').toString();
    }

    /** Reports problems of {@code m}; returns whether it is to be memoized. */
    private boolean validateMethod(ExecutableElement m, TypeClassifier classifier, Report report) {
        AnnotationMirror memo = Annotations.find(m, Annotations.MEMO);
        AnnotationMirror skip = Annotations.find(m, Annotations.SKIP);
        boolean isStatic = m.getModifiers().contains(Modifier.STATIC);
        boolean isPrivate = m.getModifiers().contains(Modifier.PRIVATE);
        boolean isVoid = m.getReturnType().getKind() == TypeKind.VOID;
        if (memo != null && skip != null) {
            report.error(Messages.memoAndSkip(), m, memo);
            return false;
        }
        if (memo != null) {
            if (!isStatic && m.getModifiers().contains(Modifier.ABSTRACT)) {
                report.error(Messages.memoAbstract(), m, memo);
                return false;
            }
            if (isPrivate) {
                report.error(Messages.memoPrivate(), m, memo);
                return false;
            }
            if (isVoid) {
                report.error(Messages.memoVoid(), m, memo);
                return false;
            }
            String ttl = Annotations.stringValue(memo, "ttl");
            if (TtlSpec.parse(ttl) == null) {
                report.error(Messages.badTtl(ttl), m, memo);
            }
            if ("true".equals(Annotations.stringValue(memo, "replayOutput")) && AsyncResult.isFuture(m.getReturnType())) {
                report.error(Messages.replayAsync(), m, memo);
            }
        }
        if (skip != null || !MemoClassValidator.memoizable(m)) {
            return false;
        }
        for (VariableElement p : m.getParameters()) {
            AnnotationMirror pathOnly = Annotations.find(p, Annotations.PATH_ONLY);
            TypeClassifier.Result r = classifier.classify(p.asType(), TypeClassifier.Use.PARAMETER, pathOnly != null);
            if (r.unresolved() != null) {
                report.unresolved(r.unresolved(), p);
            } else if (!r.isOk()) {
                report.error(Messages.unhashable(p.getSimpleName().toString(), p.asType().toString(),
                        r.unsupported()), p);
            } else if (pathOnly != null && !holdsPaths(r.type())) {
                report.error(Messages.pathOnlyWithoutPath(p.getSimpleName().toString(), p.asType().toString()), p,
                        pathOnly);
            }
        }
        TypeClassifier.Result r = AsyncResult.isFuture(m.getReturnType())
                ? AsyncResult.classify(m.getReturnType(), classifier)
                : classifier.classifyResult(m.getReturnType());
        if (r.unresolved() != null) {
            report.unresolved(r.unresolved(), m);
        } else if (!r.isOk()) {
            report.error(Messages.unstorable(m.getReturnType().toString(), r.unsupported()), m);
        }
        return true;
    }

    /** Whether {@code t} holds a {@code Path} or {@code File} somewhere: what {@code @Memo.PathOnly} is about. */
    private static boolean holdsPaths(ValueType t) {
        if (t instanceof ValueType.JdkType j) {
            return j.kind().isFile();
        }
        return t.inner().stream().anyMatch(MemoClassValidator::holdsPaths);
    }

    /** Whether a method of a {@code @GenerateMemo} class is memoized (before type checks). */
    static boolean memoizable(ExecutableElement m) {
        if (!m.getModifiers().contains(Modifier.STATIC)) {
            return Receivers.memoizable(m) && !enumMethodOfTheLanguage(m);
        }
        return !m.getModifiers().contains(Modifier.PRIVATE)
                && m.getReturnType().getKind() != TypeKind.VOID
                && Annotations.find(m, Annotations.SKIP) == null
                && !enumMethodOfTheLanguage(m);
    }

    /**
     * {@code values()} and {@code valueOf(String)} of an enum: javac declares them in every enum
     * (no enum can declare its own), and nobody means them when memoizing an enum's methods.
     */
    private static boolean enumMethodOfTheLanguage(ExecutableElement m) {
        if (m.getEnclosingElement().getKind() != ElementKind.ENUM) {
            return false;
        }
        String name = m.getSimpleName().toString();
        List<? extends VariableElement> params = m.getParameters();
        return (name.equals("values") && params.isEmpty())
                || (name.equals("valueOf") && params.size() == 1
                        && params.get(0).asType().toString().equals("java.lang.String"));
    }

    private static boolean accessible(TypeElement cls) {
        Element e = cls;
        while (e instanceof TypeElement t) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                return false;
            }
            NestingKind n = t.getNestingKind();
            if (n == NestingKind.LOCAL || n == NestingKind.ANONYMOUS) {
                return false;
            }
            e = t.getEnclosingElement();
        }
        return true;
    }

    static List<ExecutableElement> memoizedMethods(TypeElement cls) {
        return ElementFilter.methodsIn(cls.getEnclosedElements()).stream()
                .filter(MemoClassValidator::memoizable)
                .toList();
    }
}
