package dev.memogen.processor;

import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.type.TypeKind;

/**
 * A type memogen can hash (as a parameter) or store (as a result), as the processor classified
 * it. Immutable; built by {@link TypeClassifier}, read by the emitters.
 */
sealed interface ValueType {

    /** The Java type, as generated code spells it. */
    TypeName typeName();

    /** Whether a caller could change a value of this type (then each caller gets a copy). */
    boolean mutable();

    /** A description of the shape, part of the function version: it changes when the shape does. */
    String schema();

    /**
     * The types a value of this type holds directly: a record's components, a sealed type's
     * subtypes, a container's elements, what an adapter stores, a receiver's fields. None for the
     * others (and for a {@link RecordRef}, whose type is described where it is referred to).
     */
    default List<ValueType> inner() {
        return List.of();
    }

    record Primitive(TypeKind kind, TypeName typeName) implements ValueType {
        @Override
        public boolean mutable() {
            return false;
        }

        @Override
        public String schema() {
            return typeName.toString();
        }
    }

    /** A box of a primitive; hashes like the primitive. */
    record Boxed(TypeKind kind, TypeName typeName) implements ValueType {
        @Override
        public boolean mutable() {
            return false;
        }

        @Override
        public String schema() {
            return typeName.toString();
        }
    }

    record Str(TypeName typeName) implements ValueType {
        @Override
        public boolean mutable() {
            return false;
        }

        @Override
        public String schema() {
            return "String";
        }
    }

    /**
     * A JDK value class ({@code BigDecimal}, {@code LocalDate}, {@code UUID}, ...): hashed and stored
     * by value. Immutable but for {@code BitSet} and {@code CharSequence} ({@link JdkValue#mutable}).
     */
    record JdkType(TypeName typeName, JdkValue kind) implements ValueType {
        @Override
        public boolean mutable() {
            return kind.mutable();
        }

        @Override
        public String schema() {
            return kind.qualifiedName();
        }
    }

    /** An enum; {@code binaryName} is hashed, so renaming the enum changes keys. */
    record EnumType(TypeName typeName, String binaryName) implements ValueType {
        @Override
        public boolean mutable() {
            return false;
        }

        @Override
        public String schema() {
            return "enum " + binaryName;
        }
    }

    /** A type variable bounded by an enum ({@code <E extends Enum<E>>}): hashable, not storable. */
    record EnumVariable(TypeName typeName) implements ValueType {
        @Override
        public boolean mutable() {
            return false;
        }

        @Override
        public String schema() {
            return "enum-variable";
        }
    }

    /**
     * A type whose values are hashed, encoded, decoded and compared by helper methods of the
     * generated class ({@link RecordHelpers}): a record or a sealed type. {@code key} identifies the
     * parameterised type, so a type that can contain itself refers back to itself through
     * {@link RecordRef}.
     */
    sealed interface Composite extends ValueType permits RecordType, SealedType {
        String key();

        String binaryName();

        @Override
        default boolean mutable() {
            return inner().stream().anyMatch(ValueType::mutable);
        }
    }

    /** A record. */
    record RecordType(TypeName typeName, String key, String binaryName, List<Component> components)
            implements Composite {
        @Override
        public List<ValueType> inner() {
            return components.stream().map(Component::type).toList();
        }

        @Override
        public String schema() {
            StringBuilder s = new StringBuilder("record ").append(key).append('(');
            for (int i = 0; i < components.size(); i++) {
                Component c = components.get(i);
                s.append(i == 0 ? "" : ",").append(c.name).append(':').append(c.type.schema());
            }
            return s.append(')').toString();
        }
    }

    /**
     * A sealed interface or sealed abstract class: a value is hashed as its permitted subtype (whose
     * own type tag tells them apart) and stored as the subtype's index in {@code subtypes}, then
     * the subtype's value. Its permitted subtypes, in declaration order.
     */
    record SealedType(TypeName typeName, String key, String binaryName, List<ValueType> subtypes)
            implements Composite {
        @Override
        public List<ValueType> inner() {
            return subtypes;
        }

        @Override
        public String schema() {
            StringBuilder s = new StringBuilder("sealed ").append(key).append('(');
            for (int i = 0; i < subtypes.size(); i++) {
                s.append(i == 0 ? "" : "|").append(subtypes.get(i).schema());
            }
            return s.append(')').toString();
        }
    }

    /**
     * A type handled by a user's {@code MemoAdapter<T, S>}: hashed and stored as the {@code S} its
     * {@code toStored} returns ({@code stored}), rebuilt by its {@code fromStored}. The adapter
     * instance is the generated class's constant {@code field}.
     */
    record Adapted(TypeName typeName, TypeName adapter, String adapterBinaryName, String field, ValueType stored)
            implements ValueType {
        @Override
        public List<ValueType> inner() {
            return List.of(stored);
        }

        @Override
        public boolean mutable() {
            return true; // what T's methods can change is the adapter's business: each caller gets its own
        }

        @Override
        public String schema() {
            return "adapted " + adapterBinaryName + "(" + stored.schema() + ")";
        }
    }

    /** A record component: its name (also its accessor's) and type. */
    record Component(String name, ValueType type) {}

    /**
     * The state of a receiver that is neither a record nor an enum: its instance fields (those of
     * its superclasses first), each hashed by its own type's rule. Never a result.
     */
    record ObjectState(TypeName typeName, String binaryName, List<Field> fields) implements ValueType {
        @Override
        public List<ValueType> inner() {
            return fields.stream().map(Field::type).toList();
        }

        @Override
        public boolean mutable() {
            return true;
        }

        @Override
        public String schema() {
            StringBuilder s = new StringBuilder("object ").append(binaryName).append('(');
            for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                s.append(i == 0 ? "" : ",").append(f.name()).append(':').append(f.type().schema());
            }
            return s.append(')').toString();
        }
    }

    /**
     * A field of a receiver: read as {@code receiver.name}, or, when the generated class cannot
     * name it (private, or another package's), through the {@code VarHandle} constant
     * {@code handle} of the generated class, whose {@code get} returns {@code rawType}.
     */
    record Field(String name, ValueType type, TypeName declaring, String handle, TypeName rawType) {
        /** The expression that reads this field of {@code receiver} in the generated class. */
        String read(String receiver) {
            return handle == null ? receiver + "." + name
                    : com.palantir.javapoet.CodeBlock.of("(($T) $L.get($L))", rawType, handle, receiver).toString();
        }
    }

    /** A reference back to a record or sealed type that is being described (one that can contain itself). */
    record RecordRef(TypeName typeName, String key) implements ValueType {
        @Override
        public boolean mutable() {
            return false;
        }

        @Override
        public String schema() {
            return "ref " + key;
        }
    }

    /** An array; {@code component} is a {@link Primitive} for primitive arrays. */
    record ArrayType(TypeName typeName, ValueType component) implements ValueType {
        @Override
        public List<ValueType> inner() {
            return List.of(component);
        }

        @Override
        public boolean mutable() {
            return true;
        }

        @Override
        public String schema() {
            return component.schema() + "[]";
        }
    }

    /** A collection of one element type ({@code kind<element>}): mutable, so each caller gets a copy. */
    sealed interface Container extends ValueType permits ListType, SetType, SequenceType, DequeType, SortedSetType {
        ValueType element();

        /** Its name in a schema: {@code List}, {@code Set}, ... */
        String kind();

        @Override
        default List<ValueType> inner() {
            return List.of(element());
        }

        @Override
        default boolean mutable() {
            return true;
        }

        @Override
        default String schema() {
            return kind() + "<" + element().schema() + ">";
        }
    }

    /** A map ({@code kind<key,value>}), hashed independently of its order: mutable. */
    sealed interface Mapping extends ValueType permits MapType, SortedMapType {
        ValueType key();

        ValueType value();

        /** Its name in a schema: {@code Map} or {@code SortedMap}. */
        String kind();

        @Override
        default List<ValueType> inner() {
            return List.of(key(), value());
        }

        @Override
        default boolean mutable() {
            return true;
        }

        @Override
        default String schema() {
            return kind() + "<" + key().schema() + "," + value().schema() + ">";
        }
    }

    record ListType(TypeName typeName, ValueType element) implements Container {
        @Override
        public String kind() {
            return "List";
        }
    }

    record SetType(TypeName typeName, ValueType element) implements Container {
        @Override
        public String kind() {
            return "Set";
        }
    }

    record MapType(TypeName typeName, ValueType key, ValueType value) implements Mapping {
        @Override
        public String kind() {
            return "Map";
        }
    }

    /**
     * A sequence argument that is no List, Set or Map ({@code Collection}, {@code Iterable},
     * {@code Queue}, {@code Deque}, ...): hashed in iteration order as a List is, or as a Set when
     * the value is one. Never a result.
     */
    record SequenceType(TypeName typeName, ValueType element) implements Container {
        @Override
        public String kind() {
            return "Sequence";
        }
    }

    /** A {@code Deque} or {@code ArrayDeque} result: hashed as a sequence, loaded as an ArrayDeque. */
    record DequeType(TypeName typeName, ValueType element) implements Container {
        @Override
        public String kind() {
            return "Deque";
        }
    }

    /**
     * A {@code SortedSet}, {@code NavigableSet} or {@code TreeSet} result of Comparable elements:
     * hashed as a Set, loaded as a TreeSet in natural order.
     */
    record SortedSetType(TypeName typeName, ValueType element) implements Container {
        @Override
        public String kind() {
            return "SortedSet";
        }
    }

    /**
     * A {@code SortedMap}, {@code NavigableMap} or {@code TreeMap} result of Comparable keys:
     * hashed as a Map, loaded as a TreeMap in natural order.
     */
    record SortedMapType(TypeName typeName, ValueType key, ValueType value) implements Mapping {
        @Override
        public String kind() {
            return "SortedMap";
        }
    }

    record OptionalType(TypeName typeName, ValueType element) implements ValueType {
        @Override
        public List<ValueType> inner() {
            return List.of(element);
        }

        @Override
        public boolean mutable() {
            return element.mutable();
        }

        @Override
        public String schema() {
            return "Optional<" + element.schema() + ">";
        }
    }
}
