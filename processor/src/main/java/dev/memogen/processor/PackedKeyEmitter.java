package dev.memogen.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.type.TypeKind;

/**
 * For methods whose parameters are a few primitives, the hash spec's stream (a tag byte and the
 * value's little-endian bytes per parameter) is at most 16 bytes and its layout is known at
 * compile time. The generated method then packs it into two {@code long}s with shifts, and
 * digests them with {@code KeyHasher.packedHigh/packedLow}: the same key as the general path,
 * without a hasher or a thread-local on the hit path.
 */
final class PackedKeyEmitter {
    static final int MAX_BYTES = 16;

    private PackedKeyEmitter() {}

    /** The stream length if every parameter is a primitive and they fit, else -1. */
    static int packedLength(List<MemoModel.Parameter> params) {
        int length = 0;
        for (MemoModel.Parameter p : params) {
            if (!(p.type() instanceof ValueType.Primitive prim)) {
                return -1;
            }
            length += 1 + width(prim.kind());
        }
        return length <= MAX_BYTES ? length : -1;
    }

    private static int width(TypeKind kind) {
        return switch (kind) {
            case BOOLEAN, BYTE -> 1;
            case SHORT, CHAR -> 2;
            case INT, FLOAT -> 4;
            case LONG, DOUBLE -> 8;
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    private static int tag(TypeKind kind) {
        return switch (kind) {
            case BOOLEAN -> 0x01;
            case BYTE -> 0x02;
            case SHORT -> 0x03;
            case CHAR -> 0x04;
            case INT -> 0x05;
            case LONG -> 0x06;
            case FLOAT -> 0x07;
            case DOUBLE -> 0x08;
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    /** The value's bits as an unsigned {@code long}, as the hash spec writes them. */
    private static String bits(TypeKind kind, String name) {
        return switch (kind) {
            case BOOLEAN -> "(" + name + " ? 1L : 0L)";
            case BYTE -> "(" + name + " & 0xFFL)";
            case SHORT -> "(" + name + " & 0xFFFFL)";
            case CHAR -> "(long) " + name;
            case INT -> "Integer.toUnsignedLong(" + name + ")";
            case LONG -> name;
            case FLOAT -> "Integer.toUnsignedLong(Float.floatToIntBits(" + name + "))";
            case DOUBLE -> "Double.doubleToLongBits(" + name + ")";
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    /**
     * The lookup of a method keyed by its packed stream ({@link KeyStrategy.Packed}): the memoized
     * method packs the arguments and probes memory; the miss path takes the two words, digests
     * them, reads the store and starts the flight.
     */
    static void lookup(Wrapper w, KeyStrategy.Packed key) {
        CodeBlock.Builder b = w.hit();
        CodeBlock.Builder x = w.miss();
        String s0 = w.names().fresh("s0");
        String s1 = w.names().fresh("s1");
        emit(b, w.m().parameters(), s0, s1);
        b.addStatement("$T $L = $L.probe($L, $L)", RuntimeNames.CACHED, w.c(), w.field(), s0, s1);
        b.beginControlFlow("if ($L != null)", w.c()).addStatement("return $L", w.memoryValue()).endControlFlow();
        b.addStatement("return $L($L)", w.missCall(), w.args(s0, s1));
        w.missMethod().addParameter(long.class, s0).addParameter(long.class, s1);
        x.beginControlFlow("if ($L.disabled())", w.field()).addStatement("return $L", w.call()).endControlFlow();
        x.addStatement("long $L = $T.packedHigh($L, $L, $L)", w.k0(), RuntimeNames.KEY_HASHER, s0, s1, key.length());
        x.addStatement("long $L = $T.packedLow($L, $L, $L)", w.k1(), RuntimeNames.KEY_HASHER, s0, s1, key.length());
        x.addStatement("Object $L = $L.load($L, $L, $L, $L, null, 0)", w.cached(), w.field(), w.k0(), w.k1(), s0, s1);
        w.returnIfFound(x);
        w.startFlight(x, w.k0(), w.k1(), s0, s1, "null", "0");
    }

    /** Emits {@code long s0 = ...; long s1 = ...;} holding the packed stream. */
    static void emit(CodeBlock.Builder b, List<MemoModel.Parameter> params, String s0, String s1) {
        long constant0 = 0;
        long constant1 = 0;
        List<String> terms0 = new ArrayList<>();
        List<String> terms1 = new ArrayList<>();
        int offset = 0;
        for (MemoModel.Parameter p : params) {
            TypeKind kind = ((ValueType.Primitive) p.type()).kind();
            if (offset < 8) {
                constant0 |= (long) tag(kind) << (8 * offset);
            } else {
                constant1 |= (long) tag(kind) << (8 * (offset - 8));
            }
            int start = offset + 1;
            int end = start + width(kind);
            String value = bits(kind, p.name());
            if (start < 8) {
                terms0.add(start == 0 ? value : "(" + value + " << " + (8 * start) + ")");
            }
            if (end > 8) {
                terms1.add(start < 8 ? "(" + value + " >>> " + (8 * (8 - start)) + ")"
                        : start == 8 ? value : "(" + value + " << " + (8 * (start - 8)) + ")");
            }
            offset = end;
        }
        b.addStatement("long $L = $L", s0, join(constant0, terms0));
        b.addStatement("long $L = $L", s1, join(constant1, terms1));
    }

    private static String join(long constant, List<String> terms) {
        List<String> all = new ArrayList<>();
        if (constant != 0 || terms.isEmpty()) {
            all.add("0x" + Long.toHexString(constant) + "L");
        }
        all.addAll(terms);
        return String.join(" | ", all);
    }
}
