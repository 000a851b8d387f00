package dev.memogen.benchmarks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The second program of the whole-process benchmark ({@code benchmarks/fresh-process.sh}, "words"):
 * builds a text of 180,000 words (1.2 MB, a vocabulary of 5,000 made-up words, a seeded random
 * choice), splits it into its words ({@code Words.tokens}: a {@code List<String>} of 180,000) and
 * prints their count and total length. The same modes as {@link FreshProcess}: {@code memo},
 * {@code plain}, {@code input} (the text built, no stage), {@code hello}.
 *
 * <pre>
 * java -cp benchmarks-jmh/target/memogen-benchmarks.jar dev.memogen.benchmarks.FreshWords memo
 * </pre>
 */
public final class FreshWords {
    private FreshWords() {}

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "memo";
        if (mode.equals("hello")) {
            System.out.println("hello");
            return;
        }
        SplittableRandom random = new SplittableRandom(42);
        String[] vocabulary = new String[5000];
        for (int i = 0; i < vocabulary.length; i++) {
            StringBuilder w = new StringBuilder();
            int n = 3 + random.nextInt(8);
            for (int j = 0; j < n; j++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            vocabulary[i] = w.toString();
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 180_000; i++) {
            text.append(vocabulary[random.nextInt(vocabulary.length)]).append(i % 17 == 0 ? ". " : " ");
        }
        long count;
        long chars = 0;
        if (mode.equals("input")) {
            count = text.length();
        } else {
            List<String> words = mode.equals("memo") ? WordsMemo.tokens(text.toString()) : Words.tokens(text.toString());
            count = words.size();
            for (String w : words) {
                chars += w.length();
            }
        }
        System.out.println(mode + " checksum " + count + " " + chars);
    }
}
