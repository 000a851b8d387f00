package dev.memogen.internal.fingerprint;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts of a class file that code fingerprints need: the constant pool, the class's
 * super types, its fields' flags, its methods' bytecode and exception tables, and its bootstrap
 * methods. Debug attributes (line numbers, local variable names, source file) are skipped, so
 * they never reach a fingerprint.
 */
public final class ClassFileReader {
    static final int ACC_STATIC = 0x0008;
    static final int ACC_FINAL = 0x0010;
    static final int ACC_SYNTHETIC = 0x1000;
    static final int ACC_INTERFACE = 0x0200;

    /** One constant pool entry; fields used depend on the tag. */
    record Constant(int tag, String text, long number, int a, int b) {}

    @SuppressWarnings("ArrayRecordComponent") // read from a class file, never compared
    record Method(int access, String name, String descriptor, byte[] code, int[] exceptionTable) {}

    record Field(int access, String name, String descriptor) {}

    @SuppressWarnings("ArrayRecordComponent") // read from a class file, never compared
    record BootstrapMethod(int handle, int[] arguments) {}

    final String name;
    final String superName;
    final List<String> interfaces;
    final int access;
    final Constant[] pool;
    final List<Field> fields;
    final List<Method> methods;
    final List<BootstrapMethod> bootstrapMethods;

    private ClassFileReader(String name, String superName, List<String> interfaces, int access, Constant[] pool,
            List<Field> fields, List<Method> methods, List<BootstrapMethod> bootstrapMethods) {
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.access = access;
        this.pool = pool;
        this.fields = fields;
        this.methods = methods;
        this.bootstrapMethods = bootstrapMethods;
    }

    /** Parses a whole class file. */
    static ClassFileReader parse(byte[] bytes) throws IOException {
        return parse(bytes, false);
    }

    /** Parses only the header: name, super class, interfaces (for the type hierarchy). */
    static ClassFileReader parseHeader(byte[] bytes) throws IOException {
        return parse(bytes, true);
    }

    private static ClassFileReader parse(byte[] bytes, boolean headerOnly) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        Constant[] pool = new Constant[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> pool[i] = new Constant(tag, in.readUTF(), 0, 0, 0);
                case 3, 4 -> pool[i] = new Constant(tag, null, in.readInt(), 0, 0);
                case 5, 6 -> {
                    pool[i] = new Constant(tag, null, in.readLong(), 0, 0);
                    i++; // eight-byte constants take two slots
                }
                case 7, 8, 16, 19, 20 -> pool[i] = new Constant(tag, null, 0, in.readUnsignedShort(), 0);
                case 9, 10, 11, 12, 17, 18 -> pool[i] = new Constant(tag, null, 0, in.readUnsignedShort(),
                        in.readUnsignedShort());
                case 15 -> pool[i] = new Constant(tag, null, 0, in.readUnsignedByte(), in.readUnsignedShort());
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        int access = in.readUnsignedShort();
        String name = className(pool, in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        String superName = superIndex == 0 ? null : className(pool, superIndex);
        int interfaceCount = in.readUnsignedShort();
        List<String> interfaces = new ArrayList<>(interfaceCount);
        for (int i = 0; i < interfaceCount; i++) {
            interfaces.add(className(pool, in.readUnsignedShort()));
        }
        if (headerOnly) {
            return new ClassFileReader(name, superName, interfaces, access, pool, List.of(), List.of(), List.of());
        }
        int fieldCount = in.readUnsignedShort();
        List<Field> fields = new ArrayList<>(fieldCount);
        for (int i = 0; i < fieldCount; i++) {
            int fa = in.readUnsignedShort();
            String fn = utf(pool, in.readUnsignedShort());
            String fd = utf(pool, in.readUnsignedShort());
            skipAttributes(in);
            fields.add(new Field(fa, fn, fd));
        }
        int methodCount = in.readUnsignedShort();
        List<Method> methods = new ArrayList<>(methodCount);
        for (int i = 0; i < methodCount; i++) {
            int ma = in.readUnsignedShort();
            String mn = utf(pool, in.readUnsignedShort());
            String md = utf(pool, in.readUnsignedShort());
            byte[] code = null;
            int[] exceptions = new int[0];
            int attributes = in.readUnsignedShort();
            for (int k = 0; k < attributes; k++) {
                String an = utf(pool, in.readUnsignedShort());
                int length = in.readInt();
                if (an.equals("Code")) {
                    in.readUnsignedShort(); // max stack
                    in.readUnsignedShort(); // max locals
                    code = new byte[in.readInt()];
                    in.readFully(code);
                    exceptions = new int[4 * in.readUnsignedShort()];
                    for (int e = 0; e < exceptions.length; e++) {
                        exceptions[e] = in.readUnsignedShort();
                    }
                    skipAttributes(in); // line numbers, local variables, stack maps
                } else {
                    in.skipNBytes(length);
                }
            }
            methods.add(new Method(ma, mn, md, code, exceptions));
        }
        List<BootstrapMethod> bootstraps = new ArrayList<>();
        int attributes = in.readUnsignedShort();
        for (int k = 0; k < attributes; k++) {
            String an = utf(pool, in.readUnsignedShort());
            int length = in.readInt();
            if (an.equals("BootstrapMethods")) {
                int n = in.readUnsignedShort();
                for (int b = 0; b < n; b++) {
                    int handle = in.readUnsignedShort();
                    int[] args = new int[in.readUnsignedShort()];
                    for (int a = 0; a < args.length; a++) {
                        args[a] = in.readUnsignedShort();
                    }
                    bootstraps.add(new BootstrapMethod(handle, args));
                }
            } else {
                in.skipNBytes(length);
            }
        }
        return new ClassFileReader(name, superName, interfaces, access, pool, fields, methods, bootstraps);
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
        }
    }

    private static String utf(Constant[] pool, int index) throws IOException {
        Constant c = pool[index];
        if (c == null || c.tag != 1) {
            throw new IOException("bad constant pool reference " + index);
        }
        return c.text;
    }

    private static String className(Constant[] pool, int index) throws IOException {
        Constant c = pool[index];
        if (c == null || c.tag != 7) {
            throw new IOException("bad class reference " + index);
        }
        return utf(pool, c.a);
    }

    String utf(int index) throws IOException {
        return utf(pool, index);
    }

    String className(int index) throws IOException {
        return className(pool, index);
    }

    Method method(String methodName, String descriptor) {
        for (Method m : methods) {
            if (m.name.equals(methodName) && m.descriptor.equals(descriptor)) {
                return m;
            }
        }
        return null;
    }

    Field field(String fieldName) {
        for (Field f : fields) {
            if (f.name.equals(fieldName)) {
                return f;
            }
        }
        return null;
    }
}
