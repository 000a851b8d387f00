package dev.memogen.processor;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.Element;
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
 * Finds the mutable static state a memoized method reads, in its own body and in every method
 * of this compilation that it calls (directly, through {@code new} or a method reference): a
 * stored result cannot follow it, so the processor warns. Mutable static state is a non-final
 * static field, or a {@code static final} field whose value can change inside (a collection,
 * an array, an object with non-final fields), unless its initialiser makes it immutable
 * ({@code List.of}, {@code Collections.unmodifiableMap}, ...). Code outside the compilation is
 * seen at run time by the code fingerprint and reported in the log. Run it only on attributed
 * code: see {@link MutableStateCheck}.
 */
class MutableStateScanner { // not final: a test makes one that fails
    static final String SUPPRESSION = "memogen:state";

    /** Classes whose instances hold no state that a result can depend on, or none that changes. */
    private static final Set<String> IMMUTABLE = Set.of(
            "java.lang.Object", "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.Class", "java.math.BigInteger", "java.math.BigDecimal", "java.util.UUID", "java.util.Locale",
            "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong", "java.util.OptionalDouble",
            "java.util.regex.Pattern", "java.net.URI", "java.nio.charset.Charset", "java.io.File",
            "java.util.logging.Logger");
    private static final Set<String> IMMUTABLE_PACKAGES = Set.of("java.time", "java.time.format",
            "java.util.concurrent.locks");

    private final Trees trees;
    private final Elements elements;
    private final Types types;

    MutableStateScanner(Trees trees, Elements elements, Types types) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
    }

    /**
     * The mutable static fields {@code method} reads, as {@code Class.field} → {@code null} for a
     * non-final field, or the type of a final one whose contents can change; sorted by name.
     * Methods of {@code skipped} classes (the generated memo classes) are not followed.
     */
    Map<String, String> readsOf(ExecutableElement method, Set<String> skipped) {
        Map<String, String> found = new TreeMap<>();
        if (suppressed(method)) {
            return found;
        }
        Set<ExecutableElement> seen = new HashSet<>();
        Deque<ExecutableElement> todo = new ArrayDeque<>();
        todo.add(method);
        while (!todo.isEmpty()) {
            ExecutableElement m = todo.poll();
            if (!seen.add(m) || suppressed(m)
                    || skipped.contains(MutableStateCheck.outermost(m).getQualifiedName().toString())) {
                continue;
            }
            TreePath path = trees.getPath(m);
            if (path == null) {
                continue; // not in this compilation
            }
            new TreePathScanner<Void, Void>() {
                @Override
                public Void visitIdentifier(IdentifierTree node, Void unused) {
                    field(getCurrentPath());
                    return super.visitIdentifier(node, null);
                }

                @Override
                public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                    field(getCurrentPath());
                    return super.visitMemberSelect(node, null);
                }

                @Override
                public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                    call(getCurrentPath());
                    return super.visitMethodInvocation(node, null);
                }

                @Override
                public Void visitNewClass(NewClassTree node, Void unused) {
                    call(getCurrentPath());
                    return super.visitNewClass(node, null);
                }

                @Override
                public Void visitMemberReference(MemberReferenceTree node, Void unused) {
                    call(getCurrentPath());
                    return super.visitMemberReference(node, null);
                }

                private void call(TreePath at) {
                    if (trees.getElement(at) instanceof ExecutableElement callee) {
                        todo.add(callee);
                    }
                }

                private void field(TreePath at) {
                    Element e = trees.getElement(at);
                    if (!(e instanceof VariableElement v) || v.getKind() != ElementKind.FIELD
                            || !v.getModifiers().contains(Modifier.STATIC) || suppressed(v)) {
                        return;
                    }
                    Tree parent = at.getParentPath().getLeaf();
                    if (parent instanceof AssignmentTree a && a.getVariable() == at.getLeaf()) {
                        return; // a plain write does not make the result depend on the field
                    }
                    String name = v.getEnclosingElement().getSimpleName() + "." + v.getSimpleName();
                    if (!v.getModifiers().contains(Modifier.FINAL)) {
                        found.put(name, null);
                    } else if (!immutableInitializer(v) && mutable(v.asType(), new HashSet<>())) {
                        found.put(name, v.asType().toString());
                    }
                }
            }.scan(path, null);
        }
        return found;
    }

    /** Whether values of type {@code t} can change inside; {@code visiting} breaks cycles. */
    private boolean mutable(TypeMirror t, Set<TypeElement> visiting) {
        if (t.getKind() == TypeKind.ARRAY) {
            return true;
        }
        if (t.getKind() != TypeKind.DECLARED) {
            return false; // primitives; type variables and the like: not known
        }
        TypeElement type = (TypeElement) ((DeclaredType) t).asElement();
        String name = type.getQualifiedName().toString();
        if (IMMUTABLE.contains(name) || IMMUTABLE_PACKAGES.contains(elements.getPackageOf(type).getQualifiedName().toString())
                || type.getKind() == ElementKind.ENUM || !visiting.add(type)) {
            return false;
        }
        if (isA(t, "java.util.Collection") || isA(t, "java.util.Map") || isA(t, "java.util.Iterator")) {
            return true;
        }
        if (type.getKind() == ElementKind.RECORD) {
            return ElementFilter.recordComponentsIn(type.getEnclosedElements()).stream()
                    .anyMatch(c -> mutable(c.asType(), visiting));
        }
        if (type.getKind() != ElementKind.CLASS) {
            return false; // an interface says nothing of the state of what implements it
        }
        for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (!f.getModifiers().contains(Modifier.STATIC)
                    && (!f.getModifiers().contains(Modifier.FINAL) || mutable(f.asType(), visiting))) {
                return true;
            }
        }
        return mutable(type.getSuperclass(), visiting);
    }

    private boolean isA(TypeMirror t, String type) {
        TypeElement e = elements.getTypeElement(type);
        return e != null && types.isAssignable(types.erasure(t), types.erasure(e.asType()));
    }

    /**
     * Whether the field's initialiser makes an immutable value: {@code List.of}, {@code Set.of},
     * {@code Map.of} and their {@code copyOf}/{@code ofEntries}, {@code Collections.unmodifiable*},
     * {@code Collections.empty*}/{@code singleton*}, {@code Stream.toList()}, an empty array.
     */
    private boolean immutableInitializer(VariableElement field) {
        TreePath at = trees.getPath(field);
        if (at == null || !(at.getLeaf() instanceof VariableTree v) || v.getInitializer() == null) {
            return false;
        }
        ExpressionTree init = v.getInitializer();
        if (init instanceof NewArrayTree a) {
            return a.getInitializers() != null ? a.getInitializers().isEmpty()
                    : a.getDimensions().size() == 1 && a.getDimensions().get(0) instanceof LiteralTree l
                            && Integer.valueOf(0).equals(l.getValue());
        }
        if (!(init instanceof MethodInvocationTree)
                || !(trees.getElement(new TreePath(at, init)) instanceof ExecutableElement m)) {
            return false;
        }
        String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
        String name = m.getSimpleName().toString();
        return switch (owner) {
            case "java.util.List", "java.util.Set", "java.util.Map" ->
                    name.equals("of") || name.equals("copyOf") || name.equals("ofEntries");
            case "java.util.Collections" ->
                    name.startsWith("unmodifiable") || name.startsWith("empty") || name.startsWith("singleton");
            case "java.util.stream.Stream" -> name.equals("toList");
            default -> false;
        };
    }

    /** {@code @SuppressWarnings("memogen:state")} on the element or anything enclosing it. */
    private static boolean suppressed(Element e) {
        for (Element c = e; c != null; c = c.getEnclosingElement()) {
            SuppressWarnings s = c.getAnnotation(SuppressWarnings.class);
            if (s != null) {
                for (String v : s.value()) {
                    if (v.equals(SUPPRESSION)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
