package dev.memogen;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The runtime's packages depend on each other downward only (CONVENTIONS.md, "Packages by
 * concern"): the API ({@code dev.memogen}) over the support package generated code calls
 * ({@code dev.memogen.internal}) over the core, over the store and code fingerprints (which do not
 * know each other), over hashing and the value format (which use nothing of memogen). The remote
 * tier's S3 client ({@code dev.memogen.internal.remote}) is used by the store and above and uses
 * nothing of memogen. A layer may use any layer below it. Only the main classes are checked: tests reach into every package.
 */
@AnalyzeClasses(packagesOf = Memogen.class, importOptions = LayeringTest.MainClassesOnly.class)
class LayeringTest {
    private static final String API = "API";
    private static final String SUPPORT = "Support";
    private static final String CORE = "Core";
    private static final String STORE = "Store";
    private static final String FINGERPRINT = "Fingerprint";
    private static final String HASH = "Hash";
    private static final String CODEC = "Codec";
    private static final String REMOTE = "Remote";

    @ArchTest
    static final ArchRule packagesDependDownwardOnly = layeredArchitecture()
            .consideringAllDependencies()
            .layer(API).definedBy("dev.memogen")
            .layer(SUPPORT).definedBy("dev.memogen.internal")
            .layer(CORE).definedBy("dev.memogen.internal.core")
            .layer(STORE).definedBy("dev.memogen.internal.store")
            .layer(FINGERPRINT).definedBy("dev.memogen.internal.fingerprint")
            .layer(HASH).definedBy("dev.memogen.internal.hash")
            .layer(CODEC).definedBy("dev.memogen.internal.codec")
            .layer(REMOTE).definedBy("dev.memogen.internal.remote")
            .whereLayer(API).mayNotBeAccessedByAnyLayer()
            .whereLayer(SUPPORT).mayOnlyBeAccessedByLayers(API)
            .whereLayer(CORE).mayOnlyBeAccessedByLayers(API, SUPPORT)
            .whereLayer(STORE).mayOnlyBeAccessedByLayers(API, SUPPORT, CORE)
            .whereLayer(FINGERPRINT).mayOnlyBeAccessedByLayers(API, SUPPORT, CORE)
            // The codec does not use hash (nor hash the codec): both are leaves.
            .whereLayer(HASH).mayOnlyBeAccessedByLayers(API, SUPPORT, CORE, STORE, FINGERPRINT)
            .whereLayer(CODEC).mayOnlyBeAccessedByLayers(API, SUPPORT, CORE, STORE, FINGERPRINT)
            // The S3 client knows nothing of memogen; the tiers above it call it.
            .whereLayer(REMOTE).mayOnlyBeAccessedByLayers(API, SUPPORT, CORE, STORE)
            // A new package must be placed in a layer before it can be used.
            .ensureAllClassesAreContainedInArchitecture()
            .because("the runtime's packages are layered one way: API, support, core, store and fingerprint,"
                    + " hash, codec and remote");

    @ArchTest
    static final ArchRule noHash4j = noClasses()
            .should().dependOnClassesThat().resideInAPackage("com.dynatrace.hash4j..")
            .because("hash4j is only the tests' oracle for the runtime's own XXH3");

    /** The classes of {@code src/main}: the directory (or jar) {@link Memogen} was loaded from. */
    static final class MainClassesOnly implements ImportOption {
        private static final String MAIN = Memogen.class.getProtectionDomain().getCodeSource().getLocation().getPath();

        @Override
        public boolean includes(Location location) {
            return location.contains(MAIN);
        }
    }
}
