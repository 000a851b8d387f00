package dev.memogen.samples;

import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Runs the spectroscopy pipeline of {@link Spectra} through the generated {@code SpectraMemo}:
 * parse a data file, smooth the signal, find peaks, fit a Gaussian to each. The first run
 * computes every stage; a second run, in a new JVM, loads every result from the store.
 *
 * <pre>
 * java -jar samples/target/memogen-samples.jar [data-file]
 * </pre>
 */
public final class SpectraPipeline {
    private SpectraPipeline() {}

    private static int stages;
    private static int computed;

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args.length > 0 ? args[0] : "samples-data/spectrum.csv");
        if (!Files.exists(data)) {
            writeSyntheticSpectrum(data, 64_000, 42);
            System.out.println("wrote a synthetic spectrum to " + data);
        }
        System.out.println("memogen store: " + Memogen.storeDirectory()
                + (Memogen.isDisabled() ? " (disabled)" : ""));
        long start = System.nanoTime();

        // The data file is an argument: its key is its path and what it holds, so editing it
        // recomputes parse, and the stages whose inputs then change.
        Spectra.Spectrum spectrum = stage("parse", "parse(java.nio.file.Path)", () -> {
            try {
                return SpectraMemo.parse(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        double[] smoothed = stage("smooth", "smooth(double[],int,int)",
                () -> SpectraMemo.smooth(spectrum.intensities(), 40, 6));
        List<Spectra.Peak> peaks = stage("find peaks", "findPeaks(double[],double[],double,int)",
                () -> SpectraMemo.findPeaks(spectrum.wavelengths(), smoothed, 50.0, 600));
        List<Spectra.Gaussian> fits = new ArrayList<>();
        for (Spectra.Peak peak : peaks) {
            fits.add(stage(String.format(Locale.ROOT, "fit peak at %.2f nm", peak.wavelength()),
                    "fit(dev.memogen.samples.Spectra.Spectrum,dev.memogen.samples.Spectra.Peak,double)",
                    () -> SpectraMemo.fit(spectrum, peak, 8.0)));
        }

        System.out.println();
        System.out.println("instrument " + spectrum.instrument() + ", " + spectrum.wavelengths().length
                + " points, " + peaks.size() + " peaks");
        for (Spectra.Gaussian g : fits) {
            System.out.printf(Locale.ROOT, "  peak %8.3f nm  width %6.3f nm  height %8.2f  offset %6.2f%n",
                    g.center(), g.width(), g.height(), g.offset());
        }
        System.out.printf(Locale.ROOT, "%nstages computed: %d of %d, loaded: %d; total %.0f ms%n",
                computed, stages, stages - computed, (System.nanoTime() - start) / 1e6);
    }

    /** Runs one memoized stage and says whether it was computed or loaded, and how long it took. */
    private static <T> T stage(String label, String method, Supplier<T> call) {
        String id = Spectra.class.getName() + "#" + method;
        long missesBefore = misses(id);
        long t0 = System.nanoTime();
        T value = call.get();
        double ms = (System.nanoTime() - t0) / 1e6;
        boolean wasComputed = misses(id) > missesBefore || Memogen.isDisabled();
        stages++;
        if (wasComputed) {
            computed++;
        }
        System.out.printf(Locale.ROOT, "%-28s %-8s %9.1f ms%n", label, wasComputed ? "computed" : "loaded", ms);
        return value;
    }

    private static long misses(String functionId) {
        return Memogen.statistics(functionId).map(FunctionStats::misses).orElse(0L);
    }

    /** A synthetic spectrum: a few Gaussian peaks on a sloped baseline, with noise. */
    static void writeSyntheticSpectrum(Path file, int points, long seed) throws IOException {
        Random random = new Random(seed);
        double[][] peaks = {{420, 3.0, 180}, {486, 2.0, 260}, {532, 4.5, 140}, {589, 1.5, 320}, {656, 3.5, 210}};
        StringBuilder out = new StringBuilder(points * 24);
        out.append("# instrument: synthetic-").append(seed).append('\n');
        out.append("wavelength_nm,intensity\n");
        for (int i = 0; i < points; i++) {
            double x = 380 + 320.0 * i / points;
            double y = 40 + 0.05 * (x - 380);
            for (double[] p : peaks) {
                double d = (x - p[0]) / p[1];
                y += p[2] * Math.exp(-0.5 * d * d);
            }
            y += random.nextGaussian() * 6;
            out.append(String.format(Locale.ROOT, "%.5f,%.4f%n", x, y));
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }
}
