package dev.memogen.benchmarks;

/**
 * Fifty small application classes that {@link #run(int)} reaches, for the first-call cost of
 * code fingerprints: a chain of static calls, a record, a lambda and interface calls whose
 * implementations must be found among the application's classes.
 *
 * <p>Each nested class is a separate class file, as separate top-level classes would be.
 */
final class FiftyClasses {
    private FiftyClasses() {}

    interface Stage {
        int apply(int x);
    }

    record Point(int x, int y) {
        int sum() {
            return x + y;
        }
    }

    static int run(int x) {
        Stage first = new C00();
        return first.apply(x) + new Point(x, 2).sum();
    }

    static final class C00 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 2;
            return f.applyAsInt(new C01().apply(x + 0)) ^ 0;
        }
    }

    static final class C01 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 3;
            return f.applyAsInt(new C02().apply(x + 1)) ^ 7919;
        }
    }

    static final class C02 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 4;
            return f.applyAsInt(new C03().apply(x + 2)) ^ 15838;
        }
    }

    static final class C03 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 5;
            return f.applyAsInt(new C04().apply(x + 3)) ^ 23757;
        }
    }

    static final class C04 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 6;
            return f.applyAsInt(new C05().apply(x + 4)) ^ 31676;
        }
    }

    static final class C05 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 7;
            return f.applyAsInt(new C06().apply(x + 5)) ^ 39595;
        }
    }

    static final class C06 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 8;
            return f.applyAsInt(new C07().apply(x + 6)) ^ 47514;
        }
    }

    static final class C07 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 9;
            return f.applyAsInt(new C08().apply(x + 7)) ^ 55433;
        }
    }

    static final class C08 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 10;
            return f.applyAsInt(new C09().apply(x + 8)) ^ 63352;
        }
    }

    static final class C09 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 11;
            return f.applyAsInt(new C10().apply(x + 9)) ^ 71271;
        }
    }

    static final class C10 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 12;
            return f.applyAsInt(new C11().apply(x + 10)) ^ 79190;
        }
    }

    static final class C11 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 13;
            return f.applyAsInt(new C12().apply(x + 11)) ^ 87109;
        }
    }

    static final class C12 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 14;
            return f.applyAsInt(new C13().apply(x + 12)) ^ 95028;
        }
    }

    static final class C13 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 15;
            return f.applyAsInt(new C14().apply(x + 13)) ^ 102947;
        }
    }

    static final class C14 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 16;
            return f.applyAsInt(new C15().apply(x + 14)) ^ 110866;
        }
    }

    static final class C15 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 17;
            return f.applyAsInt(new C16().apply(x + 15)) ^ 118785;
        }
    }

    static final class C16 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 18;
            return f.applyAsInt(new C17().apply(x + 16)) ^ 126704;
        }
    }

    static final class C17 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 19;
            return f.applyAsInt(new C18().apply(x + 17)) ^ 134623;
        }
    }

    static final class C18 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 20;
            return f.applyAsInt(new C19().apply(x + 18)) ^ 142542;
        }
    }

    static final class C19 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 21;
            return f.applyAsInt(new C20().apply(x + 19)) ^ 150461;
        }
    }

    static final class C20 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 22;
            return f.applyAsInt(new C21().apply(x + 20)) ^ 158380;
        }
    }

    static final class C21 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 23;
            return f.applyAsInt(new C22().apply(x + 21)) ^ 166299;
        }
    }

    static final class C22 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 24;
            return f.applyAsInt(new C23().apply(x + 22)) ^ 174218;
        }
    }

    static final class C23 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 25;
            return f.applyAsInt(new C24().apply(x + 23)) ^ 182137;
        }
    }

    static final class C24 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 26;
            return f.applyAsInt(new C25().apply(x + 24)) ^ 190056;
        }
    }

    static final class C25 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 27;
            return f.applyAsInt(new C26().apply(x + 25)) ^ 197975;
        }
    }

    static final class C26 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 28;
            return f.applyAsInt(new C27().apply(x + 26)) ^ 205894;
        }
    }

    static final class C27 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 29;
            return f.applyAsInt(new C28().apply(x + 27)) ^ 213813;
        }
    }

    static final class C28 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 30;
            return f.applyAsInt(new C29().apply(x + 28)) ^ 221732;
        }
    }

    static final class C29 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 31;
            return f.applyAsInt(new C30().apply(x + 29)) ^ 229651;
        }
    }

    static final class C30 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 32;
            return f.applyAsInt(new C31().apply(x + 30)) ^ 237570;
        }
    }

    static final class C31 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 33;
            return f.applyAsInt(new C32().apply(x + 31)) ^ 245489;
        }
    }

    static final class C32 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 34;
            return f.applyAsInt(new C33().apply(x + 32)) ^ 253408;
        }
    }

    static final class C33 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 35;
            return f.applyAsInt(new C34().apply(x + 33)) ^ 261327;
        }
    }

    static final class C34 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 36;
            return f.applyAsInt(new C35().apply(x + 34)) ^ 269246;
        }
    }

    static final class C35 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 37;
            return f.applyAsInt(new C36().apply(x + 35)) ^ 277165;
        }
    }

    static final class C36 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 38;
            return f.applyAsInt(new C37().apply(x + 36)) ^ 285084;
        }
    }

    static final class C37 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 39;
            return f.applyAsInt(new C38().apply(x + 37)) ^ 293003;
        }
    }

    static final class C38 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 40;
            return f.applyAsInt(new C39().apply(x + 38)) ^ 300922;
        }
    }

    static final class C39 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 41;
            return f.applyAsInt(new C40().apply(x + 39)) ^ 308841;
        }
    }

    static final class C40 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 42;
            return f.applyAsInt(new C41().apply(x + 40)) ^ 316760;
        }
    }

    static final class C41 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 43;
            return f.applyAsInt(new C42().apply(x + 41)) ^ 324679;
        }
    }

    static final class C42 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 44;
            return f.applyAsInt(new C43().apply(x + 42)) ^ 332598;
        }
    }

    static final class C43 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 45;
            return f.applyAsInt(new C44().apply(x + 43)) ^ 340517;
        }
    }

    static final class C44 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 46;
            return f.applyAsInt(new C45().apply(x + 44)) ^ 348436;
        }
    }

    static final class C45 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 47;
            return f.applyAsInt(new C46().apply(x + 45)) ^ 356355;
        }
    }

    static final class C46 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 48;
            return f.applyAsInt(new C47().apply(x + 46)) ^ 364274;
        }
    }

    static final class C47 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 49;
            return f.applyAsInt(new C48().apply(x + 47)) ^ 372193;
        }
    }

    static final class C48 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 50;
            return f.applyAsInt(new C49().apply(x + 48)) ^ 380112;
        }
    }

    static final class C49 implements Stage {
        @Override
        public int apply(int x) {
            java.util.function.IntUnaryOperator f = v -> v * 51;
            return f.applyAsInt(x) ^ 388031;
        }
    }
}
