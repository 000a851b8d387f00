package shop;

import dev.memogen.GenerateMemo;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * Memoized methods that call their own generated class in every way people write it: at the head
 * of a stream chain with a lambda, as a method reference, inside a lambda and an anonymous class,
 * in a generic call, from a nested class, and recursively.
 */
@GenerateMemo
final class Catalog {
    /** Filled by main from its arguments: results read it, so the processor warns. */
    static final Map<String, Integer> DISCOUNTS = new HashMap<>();

    static List<Integer> prices(int n) {
        return IntStream.range(0, n).map(i -> 10 * i + 5).boxed().toList();
    }

    static List<Integer> marked(int n) {
        return CatalogMemo.prices(n).stream().map(x -> x + 1).toList();
    }

    static int price(int id) {
        return 10 * id + 5;
    }

    static int total(List<Integer> ids) {
        return ids.stream().mapToInt(CatalogMemo::price).sum();
    }

    static int doubled(int id) {
        IntUnaryOperator twice = x -> 2 * CatalogMemo.price(x);
        IntUnaryOperator thrice = new IntUnaryOperator() {
            @Override
            public int applyAsInt(int x) {
                return 3 * CatalogMemo.price(x);
            }
        };
        return twice.applyAsInt(id) + thrice.applyAsInt(id) - 3 * price(id);
    }

    static int highest(int n) {
        return Collections.<Integer>max(CatalogMemo.prices(n));
    }

    static int withHelper(int id) {
        return Helper.plusOne(id);
    }

    static long combinations(int n, int k) {
        return k == 0 || k == n ? 1 : CatalogMemo.combinations(n - 1, k - 1) + CatalogMemo.combinations(n - 1, k);
    }

    static int discounted(String item, int price) {
        return price - DISCOUNTS.getOrDefault(item, 0);
    }

    static final class Helper {
        static int plusOne(int id) {
            return CatalogMemo.price(id) + 1;
        }
    }
}
