package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.fixtures.Shapes;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionVersionTest {

    @Test
    void joinsTheCompileVersionWithTheBytecodeFingerprint() {
        String v = FunctionVersion.compute("t#square(int)", Shapes.class, "square", "(I)I", "int/v1",
                "src", List.of(), new Problems(), null);
        assertTrue(v.matches("int/v1/bytecode [0-9a-f]{32}"), v);
        assertEquals(v, FunctionVersion.compute("t#square(int)", Shapes.class, "square", "(I)I",
                "int/v1", "src", List.of(), new Problems(), null), "the same code, the same version");
        String other = FunctionVersion.compute("t#cube(int)", Shapes.class, "cube", "(I)I", "int/v1",
                "src", List.of(), new Problems(), null);
        assertNotEquals(v.substring(v.indexOf(' ')), other.substring(other.indexOf(' ')), "other code");
    }

    @Test
    void fallsBackToTheSourceFingerprintWhenTheClassFileCannotBeRead() {
        Runnable lambda = () -> {};
        // A lambda's class is hidden: no class file to read.
        assertEquals("v1/source 0123abcd", FunctionVersion.compute("t#run()", lambda.getClass(), "run", "()V", "v1",
                "0123abcd", List.of(), new Problems(), null));
    }

    @Test
    void describesWhatTheFingerprintReached() {
        String d = FunctionVersion.describe(Shapes.class, "cube", "(I)I", List.of());
        assertTrue(d.matches("2 methods in 1 classes .*: [0-9a-f]{32}"), d);
    }
}
