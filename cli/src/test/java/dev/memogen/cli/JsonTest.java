package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesWhatAStrictParserReadsBack() {
        String text = new Json().beginObject()
                .field("id", "a\"b\\c\nd\u0001#f(int[])")
                .field("n", -12L)
                .field("x", 0.25)
                .field("nan", Double.NaN)
                .field("yes", true)
                .field("none", (String) null)
                .name("list").beginArray().value(1L).beginObject().endObject().beginArray().endArray().endArray()
                .endObject().toString();
        Map<String, Object> back = MiniJson.object(text);
        assertEquals("a\"b\\c\nd\u0001#f(int[])", back.get("id"));
        assertEquals(-12L, back.get("n"));
        assertEquals(0.25, back.get("x"));
        assertEquals(null, back.get("nan"));
        assertEquals(true, back.get("yes"));
        assertEquals(List.of(1L, Map.of(), List.of()), back.get("list"));
    }
}
