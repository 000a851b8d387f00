package dev.memogen.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser for the tests (RFC 8259: objects, arrays, strings with escapes, numbers,
 * true, false, null; nothing after the document but white space): what {@code --json} prints must
 * parse. Objects become maps, arrays lists, integers longs, other numbers doubles.
 */
final class MiniJson {
    private final String s;
    private int at;

    private MiniJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        Object value = p.value();
        p.space();
        if (p.at != text.length()) {
            throw p.error("text after the document");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) {
        return (Map<String, Object>) parse(text);
    }

    private Object value() {
        space();
        if (at >= s.length()) {
            throw error("end of text");
        }
        char c = s.charAt(at);
        switch (c) {
            case '{' -> {
                at++;
                Map<String, Object> map = new LinkedHashMap<>();
                space();
                if (peek('}')) {
                    return map;
                }
                do {
                    space();
                    String name = string();
                    space();
                    expect(':');
                    if (map.put(name, value()) != null) {
                        throw error("duplicate name " + name);
                    }
                    space();
                } while (peek(','));
                expect('}');
                return map;
            }
            case '[' -> {
                at++;
                List<Object> list = new ArrayList<>();
                space();
                if (peek(']')) {
                    return list;
                }
                do {
                    list.add(value());
                    space();
                } while (peek(','));
                expect(']');
                return list;
            }
            case '"' -> {
                return string();
            }
            default -> {
                for (String word : new String[] {"true", "false", "null"}) {
                    if (s.startsWith(word, at)) {
                        at += word.length();
                        return word.equals("null") ? null : Boolean.valueOf(word);
                    }
                }
                return number();
            }
        }
    }

    private Object number() {
        int start = at;
        if (peek('-')) {
            // sign
        }
        int digits = at;
        while (at < s.length() && Character.isDigit(s.charAt(at))) {
            at++;
        }
        if (at == digits || (s.charAt(digits) == '0' && at - digits > 1)) {
            throw error("bad number");
        }
        boolean integer = true;
        if (peek('.')) {
            integer = false;
            int frac = at;
            while (at < s.length() && Character.isDigit(s.charAt(at))) {
                at++;
            }
            if (at == frac) {
                throw error("bad fraction");
            }
        }
        if (at < s.length() && (s.charAt(at) == 'e' || s.charAt(at) == 'E')) {
            integer = false;
            at++;
            if (!peek('+')) {
                peek('-');
            }
            int exp = at;
            while (at < s.length() && Character.isDigit(s.charAt(at))) {
                at++;
            }
            if (at == exp) {
                throw error("bad exponent");
            }
        }
        String text = s.substring(start, at);
        return integer ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (at >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(at++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c == '\\') {
                char e = s.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw error("bad escape");
                }
            } else {
                b.append(c);
            }
        }
    }

    private void space() {
        while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean peek(char c) {
        if (at < s.length() && s.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + at + " in: " + s);
    }
}
