package dev.memogen.cli;

/**
 * A small JSON writer for {@code --json}: objects, arrays, strings, numbers, booleans and null,
 * written in order with commas put in by the writer. No pretty-printing: one document per line.
 */
final class Json {
    private final StringBuilder out = new StringBuilder();
    /** Whether the container being written has a value already (a comma goes before the next). */
    private boolean[] hasValue = new boolean[16];
    private int depth;
    /** A name was just written: its value follows without a comma. */
    private boolean afterName;

    Json beginObject() {
        value();
        out.append('{');
        push();
        return this;
    }

    Json endObject() {
        depth--;
        out.append('}');
        return this;
    }

    Json beginArray() {
        value();
        out.append('[');
        push();
        return this;
    }

    Json endArray() {
        depth--;
        out.append(']');
        return this;
    }

    Json name(String name) {
        value();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    Json value(String s) {
        value();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(long n) {
        value();
        out.append(n);
        return this;
    }

    Json value(double d) {
        value();
        out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        return this;
    }

    Json value(boolean b) {
        value();
        out.append(b);
        return this;
    }

    Json field(String name, String s) {
        return name(name).value(s);
    }

    Json field(String name, long n) {
        return name(name).value(n);
    }

    Json field(String name, double d) {
        return name(name).value(d);
    }

    Json field(String name, boolean b) {
        return name(name).value(b);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void push() {
        depth++;
        if (depth >= hasValue.length) {
            hasValue = java.util.Arrays.copyOf(hasValue, depth * 2);
        }
        hasValue[depth] = false;
    }

    /** Before a value or a name: a comma when the container has one already. */
    private void value() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (hasValue[depth]) {
                out.append(',');
            }
            hasValue[depth] = true;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
