package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;
import java.util.ArrayList;
import java.util.List;

/** The word-list program's computation ({@link FreshWords}): a text in, a list of 180,000 strings out. */
@GenerateMemo
final class Words {
    private Words() {}

    /** The text's words of at least three letters, lower-cased, in order. */
    static List<String> tokens(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean letter = i < text.length() && Character.isLetter(text.charAt(i));
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                if (i - start >= 3) {
                    words.add(text.substring(start, i).toLowerCase());
                }
                start = -1;
            }
        }
        return words;
    }
}
