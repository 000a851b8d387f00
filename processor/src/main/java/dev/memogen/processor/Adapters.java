package dev.memogen.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The {@code MemoAdapter}s a {@code @GenerateMemo} class lists in {@code adapters}: which type
 * each handles, what it stores it as, and the constant of the generated class that holds it.
 * Reading them also checks them; what is wrong goes to a {@link Report} (validation) or is
 * skipped (model building, after validation passed).
 */
final class Adapters {
    static final String MEMO_ADAPTER = "dev.memogen.MemoAdapter";

    /** One adapter: {@code MemoAdapter<from, to>}, held in the generated class's constant {@code field}. */
    record Adapter(TypeElement element, DeclaredType from, TypeMirror to, String field) {
        TypeName typeName() {
            return ClassName.get(element);
        }
    }

    static final Adapters NONE = new Adapters(Map.of());

    private final Map<String, Adapter> byType; // T's erasure, as its qualified name

    private Adapters(Map<String, Adapter> byType) {
        this.byType = byType;
    }

    /** The adapter for {@code t}'s class, if any (it may be for another parameterisation: check). */
    Adapter find(TypeElement t) {
        return byType.isEmpty() ? null : byType.get(t.getQualifiedName().toString());
    }

    /** The adapters of {@code cls}; problems are reported to {@code report} when it is not null. */
    static Adapters of(TypeElement cls, Elements elements, Types types, Report report) {
        AnnotationMirror generateMemo = Annotations.find(cls, Annotations.GENERATE_MEMO);
        List<TypeMirror> listed = listed(generateMemo);
        if (listed.isEmpty()) {
            return NONE;
        }
        TypeElement memoAdapter = elements.getTypeElement(MEMO_ADAPTER);
        String pkg = elements.getPackageOf(cls).getQualifiedName().toString();
        TypeClassifier plain = new TypeClassifier(elements, types, pkg);
        Map<String, Adapter> byType = new LinkedHashMap<>();
        List<String> fields = new ArrayList<>();
        for (TypeMirror m : listed) {
            if (m.getKind() == TypeKind.ERROR) {
                if (report != null) {
                    report.unresolved(m.toString(), cls);
                }
                continue;
            }
            if (m.getKind() != TypeKind.DECLARED || memoAdapter == null) {
                continue; // javac has reported it: the member's type bounds it by MemoAdapter
            }
            TypeElement a = (TypeElement) ((DeclaredType) m).asElement();
            String name = a.getQualifiedName().toString();
            String problem = problem(a, pkg);
            DeclaredType implemented = asSuper(types, (DeclaredType) a.asType(), memoAdapter);
            if (problem == null && implemented == null) {
                problem = "it does not implement " + MEMO_ADAPTER;
            }
            if (problem == null && !a.getTypeParameters().isEmpty()) {
                problem = "it is generic: memogen needs the types it converts from and to; make T and S concrete";
            }
            TypeMirror from = problem == null ? implemented.getTypeArguments().get(0) : null;
            TypeMirror to = problem == null ? implemented.getTypeArguments().get(1) : null;
            if (problem == null && from.getKind() != TypeKind.DECLARED) {
                problem = "it adapts " + from + ", which is not a class or interface type";
            }
            if (problem == null) {
                String bad = storedProblem(plain, to);
                if (bad != null) {
                    problem = "it stores " + to + ", which " + bad;
                }
            }
            if (problem != null) {
                if (report != null) {
                    report.error(Messages.badAdapter(a.getSimpleName().toString(), problem), cls, generateMemo);
                }
                continue;
            }
            TypeElement fromElement = (TypeElement) ((DeclaredType) from).asElement();
            String key = fromElement.getQualifiedName().toString();
            Adapter earlier = byType.get(key);
            if (earlier != null) {
                if (report != null) {
                    report.error(Messages.adapterClash(key, earlier.element().getSimpleName().toString(),
                            a.getSimpleName().toString()), cls, generateMemo);
                }
                continue;
            }
            byType.put(key, new Adapter(a, (DeclaredType) from, to, fieldName(a, fields)));
        }
        return new Adapters(Map.copyOf(byType));
    }

    /** Why {@code to} cannot be what an adapter stores, or {@code null}: it must be hashable and storable. */
    private static String storedProblem(TypeClassifier plain, TypeMirror to) {
        for (TypeClassifier.Use use : TypeClassifier.Use.values()) {
            TypeClassifier.Result r = plain.classify(to, use);
            if (r.unresolved() != null) {
                return "could not be resolved";
            }
            if (!r.isOk()) {
                return "memogen cannot " + (use == TypeClassifier.Use.PARAMETER ? "hash" : "store") + ": "
                        + r.unsupported() + " (an adapter must store a type memogen supports without adapters)";
            }
        }
        return null;
    }

    /** What stops the generated class from creating {@code a} with {@code new A()}, or {@code null}. */
    private static String problem(TypeElement a, String pkg) {
        if (a.getKind() != ElementKind.CLASS) {
            return "it is not a class";
        }
        if (a.getModifiers().contains(Modifier.ABSTRACT)) {
            return "it is abstract: memogen creates one with its no-argument constructor";
        }
        Element e = a;
        while (e instanceof TypeElement t) {
            if (t.getNestingKind() == NestingKind.MEMBER && !t.getModifiers().contains(Modifier.STATIC)
                    && t.getKind() == ElementKind.CLASS) {
                return "it is an inner class: make it static";
            }
            boolean visible = t.getModifiers().contains(Modifier.PUBLIC)
                    || (!t.getModifiers().contains(Modifier.PRIVATE) && packageOf(t).equals(pkg));
            if (!visible) {
                return "it is not visible from package " + pkg + ": make it public";
            }
            e = t.getEnclosingElement();
        }
        for (ExecutableElement c : ElementFilter.constructorsIn(a.getEnclosedElements())) {
            if (c.getParameters().isEmpty() && (c.getModifiers().contains(Modifier.PUBLIC)
                    || (!c.getModifiers().contains(Modifier.PRIVATE) && packageOf(a).equals(pkg)))) {
                return null;
            }
        }
        return "it has no public no-argument constructor";
    }

    private static String packageOf(Element e) {
        while (!(e instanceof javax.lang.model.element.PackageElement)) {
            e = e.getEnclosingElement();
        }
        return ((javax.lang.model.element.PackageElement) e).getQualifiedName().toString();
    }

    /** The classes listed in {@code adapters = {...}}. */
    private static List<TypeMirror> listed(AnnotationMirror generateMemo) {
        List<TypeMirror> out = new ArrayList<>();
        if (generateMemo == null) {
            return out;
        }
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : generateMemo.getElementValues().entrySet()) {
            if (!e.getKey().getSimpleName().contentEquals("adapters")) {
                continue;
            }
            Object v = e.getValue().getValue();
            if (v instanceof List<?> values) {
                for (Object item : values) {
                    if (item instanceof AnnotationValue av && av.getValue() instanceof TypeMirror t) {
                        out.add(t);
                    }
                }
            } else if (v instanceof TypeMirror t) {
                out.add(t);
            }
        }
        return out;
    }

    /** {@code t} seen as {@code target} (a generic interface), with its type arguments, or {@code null}. */
    private static DeclaredType asSuper(Types types, DeclaredType t, TypeElement target) {
        if (t.asElement().equals(target)) {
            return t;
        }
        for (TypeMirror s : types.directSupertypes(t)) {
            if (s.getKind() == TypeKind.DECLARED) {
                DeclaredType found = asSuper(types, (DeclaredType) s, target);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** {@code RealMatrixAdapter} → {@code ADAPTER_REAL_MATRIX}. */
    private static String fieldName(TypeElement a, List<String> taken) {
        String simple = a.getSimpleName().toString();
        if (simple.endsWith("Adapter") && simple.length() > "Adapter".length()) {
            simple = simple.substring(0, simple.length() - "Adapter".length());
        }
        String base = "ADAPTER_" + simple.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        if (base.endsWith("_TYPE")) {
            base = base + "_ADAPTER"; // type tag constants end with _TYPE
        }
        String name = base;
        for (int i = 2; taken.contains(name); i++) {
            name = base + "_" + i;
        }
        taken.add(name);
        return name;
    }
}
