package dev.memogen.processor;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Finds the non-final static fields a memoized method reads, in its own body and in the methods
 * of its top-level class that it calls. A stored result cannot follow such a field: the
 * processor warns. (Reads in other classes are seen at run time by the code fingerprint and
 * reported in the log.) Run it only on attributed code: see {@link MutableStateCheck}.
 */
class MutableStateScanner { // not final: a test makes one that fails
    static final String SUPPRESSION = "memogen:state";

    private final Trees trees;

    MutableStateScanner(Trees trees) {
        this.trees = trees;
    }

    /** Names ({@code Class.field}) of the mutable static fields {@code method} reads, sorted. */
    Set<String> readsOf(ExecutableElement method) {
        Set<String> found = new TreeSet<>();
        if (suppressed(method)) {
            return found;
        }
        TypeElement top = MutableStateCheck.outermost(method);
        Set<ExecutableElement> seen = new HashSet<>();
        Deque<ExecutableElement> todo = new ArrayDeque<>();
        todo.add(method);
        while (!todo.isEmpty()) {
            ExecutableElement m = todo.poll();
            if (!seen.add(m)) {
                continue;
            }
            TreePath path = trees.getPath(m);
            if (path == null) {
                continue;
            }
            new TreePathScanner<Void, Void>() {
                @Override
                public Void visitIdentifier(IdentifierTree node, Void unused) {
                    field(getCurrentPath());
                    return super.visitIdentifier(node, unused);
                }

                @Override
                public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                    field(getCurrentPath());
                    return super.visitMemberSelect(node, unused);
                }

                @Override
                public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                    Element callee = trees.getElement(getCurrentPath());
                    if (callee instanceof ExecutableElement e && MutableStateCheck.outermost(e).equals(top)) {
                        todo.add(e);
                    }
                    return super.visitMethodInvocation(node, unused);
                }

                private void field(TreePath at) {
                    Element e = trees.getElement(at);
                    if (!(e instanceof VariableElement v) || v.getKind() != ElementKind.FIELD
                            || !v.getModifiers().contains(Modifier.STATIC) || v.getModifiers().contains(Modifier.FINAL)
                            || suppressed(v)) {
                        return;
                    }
                    Tree parent = at.getParentPath().getLeaf();
                    if (parent instanceof AssignmentTree a && a.getVariable() == at.getLeaf()) {
                        return; // a plain write does not make the result depend on the field
                    }
                    found.add(v.getEnclosingElement().getSimpleName() + "." + v.getSimpleName());
                }
            }.scan(path, null);
        }
        return found;
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
