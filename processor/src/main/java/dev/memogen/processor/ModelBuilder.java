package dev.memogen.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Builds the {@link MemoModel} of a class that passed validation. */
final class ModelBuilder {
    private final Elements elements;
    private final Types types;
    private final Trees trees;

    ModelBuilder(ProcessingEnvironment env) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.trees = treesOrNull(env);
    }

    private static Trees treesOrNull(ProcessingEnvironment env) {
        try {
            return Trees.instance(env);
        } catch (RuntimeException | LinkageError e) {
            return null; // not javac: fingerprints then cover signatures and @Memo(version) only
        }
    }

    MemoModel build(TypeElement cls) {
        ClassName target = ClassName.get(cls);
        String simple = String.join("_", target.simpleNames()) + "Memo";
        ClassName generated = ClassName.get(target.packageName(), simple);
        TypeClassifier classifier = new TypeClassifier(elements, types, target.packageName(),
                Adapters.of(cls, elements, types, null));
        List<MemoModel.Method> methods = new ArrayList<>();
        List<ValueType.Field> handles = new ArrayList<>();
        ValueType receiver = null;
        for (ExecutableElement m : MemoClassValidator.memoizedMethods(cls)) {
            if (receiver == null && !m.getModifiers().contains(javax.lang.model.element.Modifier.STATIC)) {
                receiver = Receivers.keyedByFields(cls)
                        ? Receivers.state(cls, classifier, elements, types, handles)
                        : classifier.classify(cls.asType(), TypeClassifier.Use.PARAMETER).type();
            }
            methods.add(method(cls, m, classifier, receiver));
        }
        java.util.Map<String, TypeName> adapters = new java.util.TreeMap<>();
        for (MemoModel.Method m : methods) {
            for (MemoModel.Parameter p : m.parameters()) {
                adaptersIn(p.type(), adapters, new java.util.HashSet<>());
            }
            adaptersIn(m.returnType(), adapters, new java.util.HashSet<>());
        }
        return new MemoModel(cls, target, generated, List.copyOf(methods), List.copyOf(handles),
                java.util.Collections.unmodifiableMap(adapters));
    }

    private MemoModel.Method method(TypeElement cls, ExecutableElement m, TypeClassifier classifier,
            ValueType receiver) {
        List<MemoModel.Parameter> params = new ArrayList<>();
        boolean instance = !m.getModifiers().contains(javax.lang.model.element.Modifier.STATIC);
        if (instance) {
            params.add(new MemoModel.Parameter(receiverName(m), TypeName.get(cls.asType()), receiver));
        }
        for (VariableElement p : m.getParameters()) {
            ValueType t = classifier.classify(p.asType(), TypeClassifier.Use.PARAMETER,
                    Annotations.find(p, Annotations.PATH_ONLY) != null).type();
            params.add(new MemoModel.Parameter(p.getSimpleName().toString(), TypeName.get(p.asType()), t));
        }
        // A future's value is the result: what the codec and the memory tier hold.
        boolean async = AsyncResult.isFuture(m.getReturnType());
        ValueType result = (async ? AsyncResult.classify(m.getReturnType(), classifier)
                : classifier.classifyResult(m.getReturnType())).type();
        List<TypeVariableName> typeVariables = new ArrayList<>();
        for (TypeParameterElement tp : m.getTypeParameters()) {
            typeVariables.add(TypeVariableName.get(tp));
        }
        List<TypeName> thrown = new ArrayList<>();
        for (TypeMirror t : m.getThrownTypes()) {
            thrown.add(TypeName.get(t));
        }
        String erasedParams = m.getParameters().stream()
                .map(p -> types.erasure(p.asType()).toString())
                .collect(Collectors.joining(","));
        String functionId = elements.getBinaryName(cls) + "#" + m.getSimpleName() + "(" + erasedParams + ")";
        String javadocSignature = m.getSimpleName() + "(" + erasedParams + ")";

        // Recorded output is part of what an entry holds: switching it on or off recomputes.
        boolean replayOutput = "true".equals(Annotations.stringValue(Annotations.find(m, Annotations.MEMO), "replayOutput"));
        String compileVersion = "memo-version=" + Annotations.stringValue(Annotations.find(m, Annotations.MEMO), "version")
                + "\nresult=" + result.schema()
                + "\nparameters=" + params.stream().map(p -> p.type().schema()).collect(Collectors.joining(","))
                + (instance ? "\nreceiver" : "")
                + (replayOutput ? "\nreplay-output" : "");
        return new MemoModel.Method(
                m.getSimpleName().toString(),
                functionId,
                descriptor(m),
                sha256(compileVersion),
                sha256(sourceOf(m)),
                valueClasses(params, result),
                List.copyOf(typeVariables),
                List.copyOf(params),
                m.isVarArgs(),
                List.copyOf(thrown),
                TypeName.get(m.getReturnType()),
                result,
                javadocSignature,
                TtlSpec.parse(Annotations.stringValue(Annotations.find(m, Annotations.MEMO), "ttl")),
                KeyStrategy.of(params),
                instance,
                async,
                replayOutput);
    }

    /** The receiver's parameter name in the generated method: {@code self}, unless a parameter has it. */
    private static String receiverName(ExecutableElement m) {
        String name = "self";
        while (true) {
            String candidate = name;
            if (m.getParameters().stream().noneMatch(p -> p.getSimpleName().contentEquals(candidate))) {
                return name;
            }
            name = name + "_";
        }
    }

    /** The adapters {@code t} uses, anywhere inside it: constant name to adapter class. */
    private static void adaptersIn(ValueType t, java.util.Map<String, TypeName> out, java.util.Set<String> seen) {
        if (t instanceof ValueType.Adapted a) {
            out.put(a.field(), a.adapter());
        } else if (!(t instanceof ValueType.Composite c) || seen.add(c.key())) {
            t.inner().forEach(x -> adaptersIn(x, out, seen));
        }
    }

    /**
     * Binary names of the records, enums, sealed types and adapters in the parameter and return
     * types, sorted: their code is part of the function version.
     */
    private static List<String> valueClasses(List<MemoModel.Parameter> params, ValueType result) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (MemoModel.Parameter p : params) {
            collect(p.type(), names);
        }
        collect(result, names);
        return List.copyOf(names);
    }

    private static void collect(ValueType t, java.util.Set<String> names) {
        if (t instanceof ValueType.Composite c && !names.add(c.binaryName())) {
            return; // described already
        }
        if (t instanceof ValueType.EnumType e) {
            names.add(e.binaryName());
        } else if (t instanceof ValueType.Adapted a) {
            names.add(a.adapterBinaryName());
        }
        t.inner().forEach(x -> collect(x, names));
    }

    /** The JVM descriptor of a method, e.g. {@code ([DI)[D}. */
    private String descriptor(ExecutableElement m) {
        StringBuilder d = new StringBuilder("(");
        for (VariableElement p : m.getParameters()) {
            d.append(descriptor(types.erasure(p.asType())));
        }
        return d.append(')').append(descriptor(types.erasure(m.getReturnType()))).toString();
    }

    private String descriptor(TypeMirror t) {
        return switch (t.getKind()) {
            case BOOLEAN -> "Z";
            case BYTE -> "B";
            case SHORT -> "S";
            case CHAR -> "C";
            case INT -> "I";
            case LONG -> "J";
            case FLOAT -> "F";
            case DOUBLE -> "D";
            case VOID -> "V";
            case ARRAY -> "[" + descriptor(((javax.lang.model.type.ArrayType) t).getComponentType());
            case DECLARED -> {
                TypeElement e = (TypeElement) ((javax.lang.model.type.DeclaredType) t).asElement();
                yield "L" + elements.getBinaryName(e).toString().replace('.', '/') + ";";
            }
            case TYPEVAR -> descriptor(types.erasure(t));
            default -> throw new IllegalArgumentException("no descriptor for " + t);
        };
    }

    /** The method's syntax tree, printed: comments and formatting do not show in it. */
    private String sourceOf(ExecutableElement m) {
        if (trees == null) {
            return "";
        }
        Tree tree = trees.getTree(m);
        return tree == null ? "" : tree.toString();
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                hex.append(String.format("%02x", d[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
