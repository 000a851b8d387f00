package dev.memogen.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Writes {@code <Name>Memo} for every class annotated with {@code @dev.memogen.GenerateMemo}.
 *
 * <p>One step per round: validate each class (reporting every problem, each on its element),
 * build its model, write it. A class whose types are not resolved yet (another processor may
 * still generate them) is deferred to the next round and reported only in the last one. No
 * exception reaches javac: a failure writing one class is reported on that class.
 */
@AutoService(Processor.class)
public final class MemoProcessor extends AbstractProcessor {

    private final Set<String> deferred = new LinkedHashSet<>();
    private final MutableStateScanner scanner;
    private MutableStateCheck mutableState;

    public MemoProcessor() {
        this(null);
    }

    /** With another mutable-state scanner, for tests; {@code null} for the real one. */
    MemoProcessor(MutableStateScanner scanner) {
        this.scanner = scanner;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        mutableState = MutableStateCheck.register(env, scanner);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Annotations.GENERATE_MEMO, Annotations.MEMO, Annotations.SKIP);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    @SuppressWarnings("DoNotClaimAnnotations") // it claims only @GenerateMemo and @Memo, which no other processor reads
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Set<TypeElement> classes = new LinkedHashSet<>();
        for (String name : deferred) {
            TypeElement e = processingEnv.getElementUtils().getTypeElement(name);
            if (e != null) {
                classes.add(e);
            }
        }
        deferred.clear();
        TypeElement generateMemo = processingEnv.getElementUtils().getTypeElement(Annotations.GENERATE_MEMO);
        if (generateMemo != null) {
            for (Element e : round.getElementsAnnotatedWith(generateMemo)) {
                if (e instanceof TypeElement t) {
                    classes.add(t);
                }
            }
        }
        for (TypeElement cls : classes) {
            processClass(cls, round.processingOver());
        }
        checkStrayMemoAnnotations(round);
        return true; // memogen's annotations are memogen's alone

    }

    private void processClass(TypeElement cls, boolean lastRound) {
        try {
            AnnotationMirror annotation = Annotations.find(cls, Annotations.GENERATE_MEMO);
            Report report = new MemoClassValidator(processingEnv.getElementUtils(), processingEnv.getTypeUtils())
                    .validate(cls, annotation);
            if (report.hasUnresolved() && !lastRound) {
                deferred.add(cls.getQualifiedName().toString());
                return;
            }
            report.printTo(processingEnv.getMessager());
            if (report.hasErrors()) {
                return;
            }
            MemoModel model = new ModelBuilder(processingEnv).build(cls);
            JavaFile file = new MemoWriter(generatedVisibleFrom(cls)).write(model);
            file.writeTo(processingEnv.getFiler());
            if (mutableState != null) {
                mutableState.add(cls, model.generated().canonicalName()); // after attribution, when the generated class exists
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    Messages.cannotWrite(cls.getSimpleName() + "Memo", e.toString()), cls);
        } catch (RuntimeException | LinkageError | AssertionError e) { // never crash javac
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    Messages.cannotWrite(cls.getSimpleName() + "Memo", "internal error in memogen: " + e), cls);
        }
    }

    /** {@code @Memo} or {@code @Memo.Skip} outside a {@code @GenerateMemo} class would do nothing. */
    private void checkStrayMemoAnnotations(RoundEnvironment round) {
        for (String name : new String[] {Annotations.MEMO, Annotations.SKIP}) {
            TypeElement annotation = processingEnv.getElementUtils().getTypeElement(name);
            if (annotation == null) {
                continue;
            }
            for (Element m : round.getElementsAnnotatedWith(annotation)) {
                Element owner = m.getEnclosingElement();
                boolean inMemoClass = owner != null
                        && (owner.getKind().isClass() || owner.getKind() == ElementKind.INTERFACE)
                        && Annotations.find(owner, Annotations.GENERATE_MEMO) != null;
                if (!inMemoClass) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                            Messages.memoOutsideGenerateMemo(), m, Annotations.find(m, name));
                }
            }
        }
    }

    /**
     * Whether {@code @javax.annotation.processing.Generated} can be used in the class generated
     * for {@code cls}: it exists (JDK 9+, module {@code java.compiler}) and, in a named module,
     * that module reads {@code java.compiler}. A module that does not would fail to compile its
     * own generated class when {@code java.compiler} is in the module graph for another reason.
     */
    private boolean generatedVisibleFrom(TypeElement cls) {
        javax.lang.model.util.Elements elements = processingEnv.getElementUtils();
        TypeElement generated = elements.getTypeElement("javax.annotation.processing.Generated");
        if (generated == null) {
            return false;
        }
        javax.lang.model.element.ModuleElement module = elements.getModuleOf(cls);
        if (module == null || module.isUnnamed()) {
            return true;
        }
        return reads(module, elements.getModuleOf(generated), 0);
    }

    /** Whether {@code from} reads {@code target}: requires it, or requires a module that requires it transitively. */
    private static boolean reads(javax.lang.model.element.ModuleElement from,
            javax.lang.model.element.ModuleElement target, int depth) {
        if (from.equals(target)) {
            return true;
        }
        for (var d : javax.lang.model.util.ElementFilter.requiresIn(from.getDirectives())) {
            javax.lang.model.element.ModuleElement m = d.getDependency();
            if (m.equals(target) || (depth < 32 && transitivelyGives(m, target, depth + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean transitivelyGives(javax.lang.model.element.ModuleElement m,
            javax.lang.model.element.ModuleElement target, int depth) {
        for (var d : javax.lang.model.util.ElementFilter.requiresIn(m.getDirectives())) {
            if (d.isTransitive() && (d.getDependency().equals(target)
                    || (depth < 32 && transitivelyGives(d.getDependency(), target, depth + 1)))) {
                return true;
            }
        }
        return false;
    }
}
