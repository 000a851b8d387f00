package dev.memogen.samples;

import dev.memogen.GenerateMemo;
import dev.memogen.Memo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The slow, pure stages of a small spectroscopy pipeline. memogen generates {@code SpectraMemo},
 * whose methods have the same signatures and remember their results in {@code .memogen/}.
 */
@GenerateMemo
final class Spectra {
    private Spectra() {}

    /** A measured spectrum: intensity per wavelength (nm). */
    record Spectrum(String instrument, double[] wavelengths, double[] intensities) {}

    /** A peak found in a smoothed spectrum. */
    record Peak(int index, double wavelength, double height) {}

    /** A Gaussian fitted around a peak: height * exp(-(x - center)^2 / (2 width^2)) + offset. */
    record Gaussian(double center, double width, double height, double offset, double residual) {}

    /** Parses a spectrum file ("wavelength,intensity" lines after a header); blank lines do not count. */
    static Spectrum parse(Path file) throws IOException {
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        String instrument = lines[0].startsWith("# instrument: ") ? lines[0].substring(14).trim() : "unknown";
        int start = instrument.equals("unknown") ? 1 : 2;
        double[] x = new double[lines.length - start];
        double[] y = new double[lines.length - start];
        int n = 0;
        for (int i = start; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            int comma = line.indexOf(',');
            x[n] = Double.parseDouble(line.substring(0, comma));
            y[n] = Double.parseDouble(line.substring(comma + 1));
            n++;
        }
        return new Spectrum(instrument, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    }

    /** Savitzky-Golay-like smoothing: a weighted moving average, applied {@code passes} times. */
    static double[] smooth(double[] signal, int window, int passes) {
        double[] current = signal.clone();
        double[] next = new double[signal.length];
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < current.length; i++) {
                double sum = 0;
                double weights = 0;
                for (int k = -window; k <= window; k++) {
                    int j = i + k;
                    if (j >= 0 && j < current.length) {
                        double w = window + 1 - Math.abs(k);
                        sum += w * current[j];
                        weights += w;
                    }
                }
                next[i] = sum / weights;
            }
            double[] t = current;
            current = next;
            next = t;
        }
        return current;
    }

    /** Local maxima higher than {@code minHeight} above the median, at least {@code minGap} points apart. */
    @Memo(version = "1")
    static List<Peak> findPeaks(double[] wavelengths, double[] smoothed, double minHeight, int minGap) {
        double[] sorted = smoothed.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        List<Peak> peaks = new ArrayList<>();
        for (int i = minGap; i < smoothed.length - minGap; i++) {
            boolean max = smoothed[i] - median > minHeight;
            for (int k = 1; max && k <= minGap; k++) {
                max = smoothed[i] >= smoothed[i - k] && smoothed[i] > smoothed[i + k];
            }
            if (max) {
                peaks.add(new Peak(i, wavelengths[i], smoothed[i] - median));
            }
        }
        return peaks;
    }

    /**
     * Fits a Gaussian to the points within {@code halfWindowNm} of a peak: a grid search over
     * centre and width, with height and offset solved by linear least squares at each grid point.
     */
    static Gaussian fit(Spectrum spectrum, Peak peak, double halfWindowNm) {
        double[] x = spectrum.wavelengths();
        double[] y = spectrum.intensities();
        int from = peak.index();
        while (from > 0 && x[from - 1] >= peak.wavelength() - halfWindowNm) {
            from--;
        }
        int to = peak.index();
        while (to < x.length && x[to] <= peak.wavelength() + halfWindowNm) {
            to++;
        }
        int n = to - from;
        Gaussian best = null;
        for (int c = -40; c <= 40; c++) {
            double center = peak.wavelength() + c * 0.02;
            for (int w = 1; w <= 60; w++) {
                double width = w * 0.1;
                double sg = 0;
                double sgg = 0;
                double sy = 0;
                double sgy = 0;
                for (int i = from; i < to; i++) {
                    double d = (x[i] - center) / width;
                    double g = Math.exp(-0.5 * d * d);
                    sg += g;
                    sgg += g * g;
                    sy += y[i];
                    sgy += g * y[i];
                }
                double det = n * sgg - sg * sg;
                if (Math.abs(det) < 1e-12) {
                    continue;
                }
                double height = (n * sgy - sg * sy) / det;
                double offset = (sy - height * sg) / n;
                double residual = 0;
                for (int i = from; i < to; i++) {
                    double d = (x[i] - center) / width;
                    double r = y[i] - (height * Math.exp(-0.5 * d * d) + offset);
                    residual += r * r;
                }
                if (best == null || residual < best.residual()) {
                    best = new Gaussian(center, width, height, offset, residual);
                }
            }
        }
        return best;
    }
}
