package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;

/**
 * The walk over {@code <dir>/objects/<function>/<xx>/<file>}, shared by the index's rebuild and
 * the orphan sweep. Only directories named by a function id (16 hex digits) are entered, and only
 * directories below them; every file there is handed over with its function id, whatever its
 * name (the visitor decides what an entry, a temporary file or something else is). A function
 * directory that vanishes or cannot be read is passed over: its files stay where they are.
 */
public final class ObjectTree {
    private ObjectTree() {}

    interface Visitor {
        void visit(long fn, Path file);
    }

    static void forEach(Path root, Visitor visitor) throws IOException {
        try (DirectoryStream<Path> functions = StoreFiles.list(root.getParent(), root)) {
            for (Path fnDir : functions) {
                String name = fnDir.getFileName().toString();
                long fn = Hex.parse(name, 16);
                if (fn == 0 && !name.equals("0000000000000000")) {
                    continue;
                }
                try (DirectoryStream<Path> shards = StoreFiles.list(functions, fnDir)) { // a link is never entered
                    for (Path shard : shards) {
                        try (DirectoryStream<Path> files = StoreFiles.list(shards, shard)) {
                            for (Path file : files) {
                                visitor.visit(fn, file);
                            }
                        }
                    }
                } catch (IOException | DirectoryIteratorException e) {
                    // A directory that vanished, cannot be read, or is no directory: passed over.
                }
            }
        }
    }
}
