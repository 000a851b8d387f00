package dev.memogen.internal.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The bytes of an object to upload, of a length known before the upload starts (S3 needs a
 * {@code Content-Length} for each request, and the length decides between a single PUT and a
 * multipart upload). The bytes stay where the caller has them, in a file or an array, and are
 * read once, as they are sent.
 */
public interface ObjectSource {

    /** How many bytes {@link #open} gives. */
    long length();

    /** A new stream of the bytes from the first; the caller closes it. */
    InputStream open() throws IOException;

    /** The content of {@code file}, whose length is taken now; the file must not change until the upload ends. */
    static ObjectSource of(Path file) throws IOException {
        long length = Files.size(file);
        return new ObjectSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }

    /** {@code length} bytes of {@code bytes} from {@code offset}, not copied. */
    static ObjectSource of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new ObjectSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes, offset, length);
            }
        };
    }
}
