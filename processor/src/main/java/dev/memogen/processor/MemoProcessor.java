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
            boolean generatedAvailable = processingEnv.getElementUtils()
                    .getTypeElement("javax.annotation.processing.Generated") != null;
            JavaFile file = new MemoWriter(generatedAvailable).write(model);
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
}
