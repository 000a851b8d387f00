package shop;

import java.util.List;

public final class Main {
    public static void main(String[] args) {
        System.out.println("marked " + CatalogMemo.marked(3));
        System.out.println("total " + CatalogMemo.total(List.of(1, 2, 3)));
        System.out.println("doubled " + CatalogMemo.doubled(4));
        System.out.println("highest " + CatalogMemo.highest(5));
        System.out.println("helper " + CatalogMemo.withHelper(6));
        System.out.println("combinations " + CatalogMemo.combinations(60, 30));
        System.out.println("discounted " + CatalogMemo.discounted("tea", 100));
        System.out.println(dev.memogen.Memogen.statistics().stream().mapToLong(s -> s.misses()).sum() > 0
                ? "computed" : "loaded");
    }
}
