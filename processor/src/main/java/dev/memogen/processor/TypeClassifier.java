package dev.memogen.processor;

import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Decides whether a type can be hashed (as a parameter) or stored (as a result), and describes
 * it as a {@link ValueType}. Shared by validation and model building, so both agree.
 */
final class TypeClassifier {

    /** What classification found. Exactly one of the fields is set. */
    record Result(ValueType type, String unsupported, String unresolved) {
        static Result ok(ValueType t) {
            return new Result(t, null, null);
        }

        static Result no(String reason) {
            return new Result(null, reason, null);
        }

        static Result unresolved(String type) {
            return new Result(null, null, type);
        }

        boolean isOk() {
            return type != null;
        }
    }

    enum Use { PARAMETER, RESULT }

    private final Elements elements;
    private final Types types;
    private final String fromPackage;
    private final Adapters adapters;

    /** A classifier that knows no adapters: what memogen supports by itself. */
    TypeClassifier(Elements elements, Types types, String fromPackage) {
        this(elements, types, fromPackage, Adapters.NONE);
    }

    TypeClassifier(Elements elements, Types types, String fromPackage, Adapters adapters) {
        this.elements = elements;
        this.types = types;
        this.fromPackage = fromPackage;
        this.adapters = adapters;
    }

    Result classify(TypeMirror type, Use use) {
        return new Walk(use, false).classify(type);
    }

    /**
     * A method's return type: as {@link Use#RESULT}, and also a {@code Path} or {@code File} itself,
     * stored with the file or tree it names (only there: not inside a record, a collection or a future).
     */
    Result classifyResult(TypeMirror type) {
        if (type.getKind() == TypeKind.DECLARED) {
            TypeElement e = (TypeElement) ((DeclaredType) type).asElement();
            JdkValue jdk = JdkValue.named(e.getQualifiedName().toString());
            if (jdk != null && jdk.isFile() && adapters.find(e) == null) {
                return Result.ok(new ValueType.JdkType(TypeName.get(type), jdk));
            }
        }
        return classify(type, Use.RESULT);
    }

    /** {@link #classify} for a parameter marked {@code @Memo.PathOnly} when {@code pathOnly}: its paths by name alone. */
    Result classify(TypeMirror type, Use use, boolean pathOnly) {
        return new Walk(use, pathOnly).classify(type);
    }

    private final class Walk {
        private final Use use;
        private final Set<String> inProgress = new HashSet<>();
        private final Map<String, ValueType> done = new HashMap<>();
        private final Set<String> variablesInProgress = new HashSet<>();

        private final boolean pathOnly;

        Walk(Use use, boolean pathOnly) {
            this.use = use;
            this.pathOnly = pathOnly;
        }

        Result classify(TypeMirror t) {
            TypeKind kind = t.getKind();
            if (kind == TypeKind.ERROR) {
                return Result.unresolved(t.toString());
            }
            if (kind.isPrimitive()) {
                return Result.ok(new ValueType.Primitive(kind, TypeName.get(t)));
            }
            return switch (kind) {
                case ARRAY -> array((ArrayType) t);
                case DECLARED -> declared((DeclaredType) t);
                case TYPEVAR -> typeVariable((TypeVariable) t);
                case WILDCARD -> wildcard((WildcardType) t);
                default -> Result.no(t + " is not a value type");
            };
        }

        private Result wildcard(WildcardType w) {
            if (w.getExtendsBound() != null) {
                return classify(w.getExtendsBound());
            }
            if (w.getSuperBound() != null) {
                return Result.no("a '? super' wildcard does not say what the values are; use the type itself");
            }
            return Result.no("a '?' wildcard does not say what the values are; use a concrete type argument");
        }

        private Result typeVariable(TypeVariable v) {
            TypeMirror enumType = types.erasure(elements.getTypeElement("java.lang.Enum").asType());
            if (types.isSubtype(types.erasure(v.getUpperBound()), enumType)) {
                if (use == Use.RESULT) {
                    return Result.no("type variable " + v + " does not say which enum class to decode; return the"
                            + " enum type itself");
                }
                return Result.ok(new ValueType.EnumVariable(TypeName.get(v)));
            }
            // Bounded by a supported type: hashed by the bound's rule (a sealed bound's subtype tag
            // puts the runtime class in the key).
            TypeMirror upper = v.getUpperBound();
            if (!variablesInProgress.add(v.toString())) {
                return Result.no("type variable " + v + " is bounded by a type of itself (" + upper + ")");
            }
            try {
                return bounded(v, upper);
            } finally {
                variablesInProgress.remove(v.toString());
            }
        }

        private Result bounded(TypeVariable v, TypeMirror upper) {
            List<? extends TypeMirror> bounds = upper.getKind() == TypeKind.INTERSECTION
                    ? ((javax.lang.model.type.IntersectionType) upper).getBounds() : List.of(upper);
            String why = null;
            for (TypeMirror b : bounds) {
                if (b.getKind() == TypeKind.DECLARED
                        && ((TypeElement) ((DeclaredType) b).asElement()).getQualifiedName().contentEquals("java.lang.Object")) {
                    continue;
                }
                Result r = classify(b);
                if (r.isOk() || r.unresolved() != null) {
                    return r;
                }
                why = why == null ? r.unsupported() : why;
            }
            if (why != null) {
                return Result.no("type variable " + v + " is bounded by " + upper + ", and " + why);
            }
            if (use == Use.RESULT) {
                return Result.no("type variable " + v + " can be any class, so it does not say what to decode;"
                        + " return a concrete type, or bound the variable by a type memogen stores (a sealed interface,"
                        + " a record, ...)");
            }
            return Result.no("type variable " + v + " can be any class; memogen can hash a type variable only"
                    + " when it is bounded by an enum (<E extends Enum<E>>) or by another type it hashes (a sealed"
                    + " interface, a List of values, ...)");
        }

        private Result array(ArrayType a) {
            TypeMirror component = a.getComponentType();
            if (use == Use.RESULT && component.getKind() == TypeKind.DECLARED
                    && !((DeclaredType) component).getTypeArguments().isEmpty()) {
                return Result.no("Java cannot create arrays of generic types; return a List instead");
            }
            Result c = classify(component);
            if (!c.isOk()) {
                return c;
            }
            return Result.ok(new ValueType.ArrayType(TypeName.get(a), c.type()));
        }

        private Result declared(DeclaredType d) {
            TypeElement e = (TypeElement) d.asElement();
            String name = e.getQualifiedName().toString();
            TypeName typeName = TypeName.get(d);
            Adapters.Adapter adapter = adapters.find(e);
            if (adapter != null) {
                return adapted(d, adapter, typeName);
            }
            Result simple = switch (name) {
                case "java.lang.Boolean" -> boxed(TypeKind.BOOLEAN, typeName);
                case "java.lang.Byte" -> boxed(TypeKind.BYTE, typeName);
                case "java.lang.Short" -> boxed(TypeKind.SHORT, typeName);
                case "java.lang.Character" -> boxed(TypeKind.CHAR, typeName);
                case "java.lang.Integer" -> boxed(TypeKind.INT, typeName);
                case "java.lang.Long" -> boxed(TypeKind.LONG, typeName);
                case "java.lang.Float" -> boxed(TypeKind.FLOAT, typeName);
                case "java.lang.Double" -> boxed(TypeKind.DOUBLE, typeName);
                case "java.lang.String" -> Result.ok(new ValueType.Str(typeName));
                case "java.util.Optional" -> oneArgument(d, "Optional", x -> new ValueType.OptionalType(typeName, x));
                default -> null;
            };
            if (simple != null) {
                return simple;
            }
            JdkValue jdk = JdkValue.named(name);
            if (jdk != null && jdk.isFile()) {
                if (use == Use.RESULT) {
                    return Result.no(Messages.fileInsideResult(e.getSimpleName().toString()));
                }
                return Result.ok(new ValueType.JdkType(typeName, pathOnly ? jdk.byName() : jdk));
            }
            if (jdk != null) {
                return Result.ok(new ValueType.JdkType(typeName, jdk));
            }
            if (e.getKind() == ElementKind.ENUM) {
                String access = accessProblem(e);
                if (access != null) {
                    return Result.no(access);
                }
                return Result.ok(new ValueType.EnumType(typeName, elements.getBinaryName(e).toString()));
            }
            if (e.getKind() == ElementKind.RECORD) {
                return record(d, e, typeName);
            }
            if (e.getModifiers().contains(Modifier.SEALED)) {
                return sealed(d, e, typeName);
            }
            Result collection = collection(d, name, typeName);
            if (collection != null) {
                return collection;
            }
            if (name.equals("java.lang.Object")) {
                return Result.no("Object can be anything, so its value cannot be hashed or stored");
            }
            return Result.no(whyNot(e, types.erasure(d)));
        }

        /** A type a user's adapter handles: as what it stores, which memogen supports by itself. */
        private Result adapted(DeclaredType d, Adapters.Adapter adapter, TypeName typeName) {
            if (!types.isSameType(d, adapter.from())) {
                return Result.no(adapter.element().getSimpleName() + " adapts " + adapter.from() + ", not " + d
                        + "; an adapter is used for exactly its type");
            }
            Result stored = new TypeClassifier(elements, types, fromPackage).classify(adapter.to(), use);
            if (!stored.isOk()) {
                return stored; // validation reports the adapter itself
            }
            return Result.ok(new ValueType.Adapted(typeName, adapter.typeName(),
                    elements.getBinaryName(adapter.element()).toString(), adapter.field(), stored.type()));
        }

        /** Why a declared type that is none of the supported kinds is not, and what to do, for its own case. */
        private String whyNot(TypeElement e, TypeMirror erased) {
            String simple = e.getSimpleName().toString();
            if (isSubtypeOf(erased, "java.util.stream.BaseStream") || isSubtypeOf(erased, "java.util.Iterator")
                    || isSubtypeOf(erased, "java.lang.Iterable") || isSubtypeOf(erased, "java.util.Spliterator")
                    || isSubtypeOf(erased, "java.util.function.Supplier")
                    || isSubtypeOf(erased, "java.util.concurrent.Callable")) {
                return simple + " is not a value but something that produces values (a stream, an iterator, a"
                        + " supplier): pass what it produces instead (a List, an array, the value itself)";
            }
            if (isSubtypeOf(erased, "java.util.concurrent.Future")
                    || isSubtypeOf(erased, "java.util.concurrent.CompletionStage")) {
                return simple + " is not a value but a computation that produces one: pass the value it completes"
                        + " with (a future is memoized only as a method's return type)";
            }
            if (e.getAnnotation(FunctionalInterface.class) != null || isSubtypeOf(erased, "java.lang.Runnable")) {
                return simple + " is code, not a value: memogen cannot tell two functions apart by what they do;"
                        + " pass the values that select the behaviour (an enum, a record of parameters)";
            }
            String qualified = e.getQualifiedName().toString();
            if (qualified.equals("java.lang.Number")) {
                return "Number can be any of its subclasses, some mutable (AtomicLong, LongAdder), some that memogen"
                        + " cannot read: use a concrete type (int, long, double, BigDecimal, BigInteger), one overload per"
                        + " type if need be";
            }
            if (e.getKind() == ElementKind.CLASS && (qualified.startsWith("java.") || qualified.startsWith("javax."))) {
                return simple + " is a JDK class that is not one of the value types memogen hashes (BigDecimal,"
                        + " BigInteger, java.time, UUID, URI, Locale, Currency, Charset, Pattern, BitSet, OptionalInt,"
                        + " OptionalLong, OptionalDouble): pass one of those, or the values the result depends on, or"
                        + " write a " + adapterHint(simple);
            }
            if (e.getKind() == ElementKind.INTERFACE) {
                return simple + " is an interface: memogen cannot know which class a value has nor read its"
                        + " state; make it a sealed interface whose permitted subtypes are records, or write a "
                        + adapterHint(simple);
            }
            if (e.getModifiers().contains(javax.lang.model.element.Modifier.ABSTRACT)) {
                return simple + " is an abstract class: memogen cannot know which subclass a value has nor read"
                        + " its state; make it sealed with supported permitted subtypes, or write a "
                        + adapterHint(simple);
            }
            return simple + " is a class, not a record: make it a record (its components are then the key and what"
                    + " is stored), or write a " + adapterHint(simple);
        }

        private static String adapterHint(String simple) {
            return "MemoAdapter<" + simple + ", ...> that converts it to a supported type and list it in"
                    + " @GenerateMemo(adapters = ...)";
        }

        private Result boxed(TypeKind kind, TypeName typeName) {
            return Result.ok(new ValueType.Boxed(kind, typeName));
        }

        private Result collection(DeclaredType d, String name, TypeName typeName) {
            TypeMirror erased = types.erasure(d);
            boolean list;
            boolean set;
            boolean map;
            if (use == Use.RESULT) {
                list = name.equals("java.util.List") || name.equals("java.util.ArrayList");
                set = name.equals("java.util.Set") || name.equals("java.util.HashSet")
                        || name.equals("java.util.LinkedHashSet");
                map = name.equals("java.util.Map") || name.equals("java.util.HashMap")
                        || name.equals("java.util.LinkedHashMap");
                Result sortedOrDeque = sortedOrDeque(d, name, typeName);
                if (sortedOrDeque != null) {
                    return sortedOrDeque;
                }
                if (!list && !set && !map && (isSubtypeOf(erased, "java.util.Collection")
                        || isSubtypeOf(erased, "java.util.Map"))) {
                    return Result.no(name + " cannot be rebuilt when loading; declare List, Set, Map, SortedSet,"
                            + " SortedMap or Deque (loaded as ArrayList, LinkedHashSet, LinkedHashMap, TreeSet,"
                            + " TreeMap, ArrayDeque)");
                }
            } else {
                list = isSubtypeOf(erased, "java.util.List");
                set = isSubtypeOf(erased, "java.util.Set");
                map = isSubtypeOf(erased, "java.util.Map");
                if (!list && !set && !map && (isSubtypeOf(erased, "java.util.Collection")
                        || name.equals("java.lang.Iterable"))) {
                    // Collection, Iterable, Queue, Deque, ...: hashed as what it holds, in iteration order.
                    return oneArgument(asSuper(d, "java.lang.Iterable"), simpleName(name),
                            x -> new ValueType.SequenceType(typeName, x));
                }
            }
            if (list) {
                return oneArgument(asSuper(d, "java.util.List"), "List", x -> new ValueType.ListType(typeName, x));
            }
            if (set) {
                return oneArgument(asSuper(d, "java.util.Set"), "Set", x -> new ValueType.SetType(typeName, x));
            }
            if (map) {
                DeclaredType m = asSuper(d, "java.util.Map");
                if (m == null || m.getTypeArguments().size() != 2) {
                    return Result.no("a raw Map: give it key and value type arguments");
                }
                Result k = classify(m.getTypeArguments().get(0));
                Result v = classify(m.getTypeArguments().get(1));
                if (!k.isOk() && !v.isOk() && k.unresolved() == null && v.unresolved() == null) {
                    return Result.no("its keys: " + k.unsupported() + "; and its values: " + v.unsupported());
                }
                if (!k.isOk()) {
                    return k;
                }
                if (!v.isOk()) {
                    return v;
                }
                return Result.ok(new ValueType.MapType(typeName, k.type(), v.type()));
            }
            return null;
        }

        /**
         * A sorted map or set, or a deque, as a result: loaded as a TreeMap, TreeSet or ArrayDeque.
         * A sorted one is rebuilt in natural order, so its keys (elements) must be Comparable; one
         * with a comparator of its own is refused when it is stored ({@code ValueWriter.writeSortedSize}).
         */
        private Result sortedOrDeque(DeclaredType d, String name, TypeName typeName) {
            switch (name) {
                case "java.util.SortedMap", "java.util.NavigableMap", "java.util.TreeMap" -> {
                    DeclaredType m = asSuper(d, "java.util.Map");
                    Result plain = collection(m, "java.util.Map", typeName); // its keys and values, as a Map's
                    if (!(plain.type() instanceof ValueType.MapType map)) {
                        return plain;
                    }
                    String notComparable = notComparable(m.getTypeArguments().get(0), name, "keys", "Map");
                    return notComparable != null ? Result.no(notComparable)
                            : Result.ok(new ValueType.SortedMapType(typeName, map.key(), map.value()));
                }
                case "java.util.SortedSet", "java.util.NavigableSet", "java.util.TreeSet" -> {
                    DeclaredType s = asSuper(d, "java.util.Set");
                    Result plain = collection(s, "java.util.Set", typeName); // its elements, as a Set's
                    if (!(plain.type() instanceof ValueType.SetType set)) {
                        return plain;
                    }
                    String notComparable = notComparable(s.getTypeArguments().get(0), name, "elements", "Set");
                    return notComparable != null ? Result.no(notComparable)
                            : Result.ok(new ValueType.SortedSetType(typeName, set.element()));
                }
                case "java.util.Deque", "java.util.ArrayDeque" -> {
                    return oneArgument(asSuper(d, "java.util.Deque"), simpleName(name),
                            x -> new ValueType.DequeType(typeName, x));
                }
                default -> {
                    return null;
                }
            }
        }

        /** Why a sorted result with keys (elements) of type {@code t} cannot be rebuilt, or {@code null}. */
        private String notComparable(TypeMirror t, String name, String what, String instead) {
            TypeMirror bound = t.getKind() == TypeKind.WILDCARD && ((WildcardType) t).getExtendsBound() != null
                    ? ((WildcardType) t).getExtendsBound() : t;
            if (isSubtypeOf(types.erasure(bound), "java.lang.Comparable")) {
                return null;
            }
            return "its " + what + " (" + bound + ") are not Comparable, and memogen rebuilds a " + simpleName(name)
                    + " in natural order when loading (a comparator cannot be stored); return a " + instead
                    + ", make " + bound + " Comparable, or write a dev.memogen.MemoAdapter that stores it as a "
                    + instead + " or a List";
        }

        private static String simpleName(String qualifiedName) {
            return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
        }

        private boolean isSubtypeOf(TypeMirror erased, String name) {
            return types.isSubtype(erased, types.erasure(elements.getTypeElement(name).asType()));
        }

        /** {@code d} seen as its supertype {@code name}, with type arguments substituted. */
        private DeclaredType asSuper(DeclaredType d, String name) {
            if (((TypeElement) d.asElement()).getQualifiedName().contentEquals(name)) {
                return d;
            }
            for (TypeMirror s : types.directSupertypes(d)) {
                if (s.getKind() == TypeKind.DECLARED) {
                    DeclaredType found = asSuper((DeclaredType) s, name);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        }

        private Result oneArgument(DeclaredType d, String what, java.util.function.Function<ValueType, ValueType> make) {
            if (d == null || d.getTypeArguments().size() != 1) {
                return Result.no("a raw " + what + ": give it a type argument");
            }
            Result x = classify(d.getTypeArguments().get(0));
            return x.isOk() ? Result.ok(make.apply(x.type())) : x;
        }

        private Result record(DeclaredType d, TypeElement e, TypeName typeName) {
            String access = accessProblem(e);
            if (access != null) {
                return Result.no(access);
            }
            return composite(typeName, key -> {
                List<ValueType.Component> components = new ArrayList<>();
                for (RecordComponentElement c : e.getRecordComponents()) {
                    TypeMirror ct = ((ExecutableType) types.asMemberOf(d, c.getAccessor())).getReturnType();
                    Result r = classify(ct);
                    if (r.unresolved() != null) {
                        return r;
                    }
                    if (!r.isOk()) {
                        return Result.no("component '" + c.getSimpleName() + "' of record " + e.getSimpleName()
                                + " is " + ct + ", and " + r.unsupported());
                    }
                    components.add(new ValueType.Component(c.getSimpleName().toString(), r.type()));
                }
                return Result.ok(new ValueType.RecordType(typeName, key, elements.getBinaryName(e).toString(),
                        List.copyOf(components)));
            });
        }

        /**
         * A record or sealed type, described by {@code describe} once per walk; while it is being
         * described, a reference back to it (a type that can contain itself).
         */
        private Result composite(TypeName typeName, java.util.function.Function<String, Result> describe) {
            String key = typeName.toString();
            ValueType known = done.get(key);
            if (known != null) {
                return Result.ok(known);
            }
            if (!inProgress.add(key)) {
                return Result.ok(new ValueType.RecordRef(typeName, key));
            }
            try {
                Result r = describe.apply(key);
                if (r.isOk()) {
                    done.put(key, r.type());
                }
                return r;
            } finally {
                inProgress.remove(key);
            }
        }

        /**
         * A sealed interface or abstract class: supported when every permitted subtype is (records,
         * enums, sealed types, adapted classes). Every subtype that is not is reported.
         */
        private Result sealed(DeclaredType d, TypeElement e, TypeName typeName) {
            String access = accessProblem(e);
            if (access != null) {
                return Result.no(access);
            }
            String simple = e.getSimpleName().toString();
            if (!e.getTypeParameters().isEmpty()) {
                return Result.no(simple + " is a generic sealed type, which memogen does not support yet: use a"
                        + " non-generic sealed type, or write a MemoAdapter<" + simple + "<...>, ...> and list it in"
                        + " @GenerateMemo(adapters = ...)");
            }
            if (e.getKind() == ElementKind.CLASS && !e.getModifiers().contains(Modifier.ABSTRACT)) {
                return Result.no(simple + " is a sealed class that is not abstract: a value can be a " + simple
                        + " itself, a class memogen cannot read; make it abstract (or a sealed interface) with records"
                        + " as its permitted subtypes");
            }
            return composite(typeName, key -> {
                List<ValueType> subtypes = new ArrayList<>();
                List<String> problems = new ArrayList<>();
                for (TypeMirror p : e.getPermittedSubclasses()) {
                    TypeElement pe = (TypeElement) types.asElement(p);
                    Result r;
                    if (p.getKind() == TypeKind.ERROR) {
                        r = Result.unresolved(p.toString());
                    } else if (pe.getModifiers().contains(Modifier.NON_SEALED) && adapters.find(pe) == null) {
                        r = Result.no(pe.getSimpleName() + " is non-sealed, so a value can be of any subclass of it");
                    } else {
                        r = classify(p);
                    }
                    if (r.unresolved() != null) {
                        return r;
                    }
                    if (r.isOk()) {
                        subtypes.add(r.type());
                    } else {
                        problems.add("permitted subtype " + pe.getSimpleName() + ": " + r.unsupported());
                    }
                }
                if (!problems.isEmpty()) {
                    return Result.no(simple + " is sealed, and memogen supports a sealed type whose permitted subtypes"
                            + " are all supported, but " + String.join("; ", problems));
                }
                if (subtypes.isEmpty() || subtypes.size() > 256) {
                    return Result.no(simple + " has " + subtypes.size() + " permitted subtypes; memogen supports 1 to 256");
                }
                return Result.ok(new ValueType.SealedType(typeName, key, elements.getBinaryName(e).toString(),
                        List.copyOf(subtypes)));
            });
        }

        /** Why generated code in {@link #fromPackage} cannot name {@code e}, or {@code null}. */
        private String accessProblem(TypeElement e) {
            Element current = e;
            while (current instanceof TypeElement) {
                Set<Modifier> m = current.getModifiers();
                if (m.contains(Modifier.PRIVATE)) {
                    return e.getSimpleName() + " is private (or nested in a private class)";
                }
                if (!m.contains(Modifier.PUBLIC) && !packageOf(current).equals(fromPackage)) {
                    return e.getSimpleName() + " is not public and not in package " + fromPackage;
                }
                current = current.getEnclosingElement();
            }
            return null;
        }

        private String packageOf(Element e) {
            PackageElement p = elements.getPackageOf(e);
            return p.getQualifiedName().toString();
        }
    }
}
