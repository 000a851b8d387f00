package dev.memogen.processor;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.Trees;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Runs the {@link MutableStateScanner} on each {@code @GenerateMemo} class once javac has
 * attributed it (its {@code ANALYZE} event), not while processing.
 *
 * <p>Why not while processing: resolving a name in a method body ({@code Trees.getElement})
 * makes javac attribute the whole class there and then. In the first round the class's own
 * generated {@code <Name>Memo} does not exist yet, so a body such as
 * {@code KMemo.load(p).stream().map(x -> x + 1)} is attributed against an unresolved class;
 * javac keeps some of that (the types of lambdas and method references) and later fails with
 * false type errors or crashes ({@code AssertionError: typecode ERROR}). After analysis every
 * class exists and every tree is attributed, so the scanner only reads what javac computed.
 */
final class MutableStateCheck implements TaskListener {
    private final Elements elements;
    private final Messager messager;
    private final MutableStateScanner scanner;
    /** Qualified name of a top-level class → the {@code @GenerateMemo} classes in it still to check. */
    private final Map<String, Set<String>> pending = new HashMap<>();
    /** The generated memo classes: calls into them are not followed (they read their own caches). */
    private final Set<String> generated = new HashSet<>();

    private MutableStateCheck(Elements elements, Messager messager, MutableStateScanner scanner) {
        this.elements = elements;
        this.messager = messager;
        this.scanner = scanner;
    }

    /**
     * A check listening to javac's events, or {@code null} under another compiler (the check is
     * then skipped). {@code scanner} is {@code null} for the real one.
     */
    static MutableStateCheck register(ProcessingEnvironment env, MutableStateScanner scanner) {
        try {
            JavacTask task = JavacTask.instance(env);
            MutableStateCheck check = new MutableStateCheck(env.getElementUtils(), env.getMessager(),
                    scanner != null ? scanner
                            : new MutableStateScanner(Trees.instance(env), env.getElementUtils(), env.getTypeUtils()));
            task.addTaskListener(check);
            return check;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Checks {@code cls}, whose memo class is {@code generatedName}, when javac has analysed its top-level class. */
    void add(TypeElement cls, String generatedName) {
        generated.add(generatedName);
        pending.computeIfAbsent(outermost(cls).getQualifiedName().toString(), k -> new LinkedHashSet<>())
                .add(cls.getQualifiedName().toString());
    }

    @Override
    public void finished(TaskEvent event) {
        if (event.getKind() != TaskEvent.Kind.ANALYZE || event.getTypeElement() == null) {
            return;
        }
        Set<String> classes = pending.remove(event.getTypeElement().getQualifiedName().toString());
        if (classes == null) {
            return;
        }
        for (String name : classes) {
            TypeElement cls = elements.getTypeElement(name);
            if (cls != null) {
                check(cls);
            }
        }
    }

    private void check(TypeElement cls) {
        for (ExecutableElement m : MemoClassValidator.memoizedMethods(cls)) {
            try {
                Map<String, String> reads = scanner.readsOf(m, generated);
                if (!reads.isEmpty()) {
                    messager.printMessage(Diagnostic.Kind.WARNING, Messages.readsMutableState(m.getSimpleName().toString(), reads), m);
                }
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Throwable e) { // a check that fails must not fail the build, nor crash javac
                messager.printMessage(Diagnostic.Kind.NOTE,
                        Messages.stateCheckSkipped(m.getSimpleName().toString(), e.toString()), m);
            }
        }
    }

    static TypeElement outermost(Element e) {
        TypeElement top = null;
        for (Element c = e; c != null; c = c.getEnclosingElement()) {
            if (c instanceof TypeElement t) {
                top = t;
            }
        }
        return top;
    }
}
