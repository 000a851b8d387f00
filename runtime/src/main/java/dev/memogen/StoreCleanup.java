package dev.memogen;

/**
 * What {@link Memogen#gc} did.
 *
 * @param filesRemoved            orphaned files deleted (objects without an index entry, temporary files of
 *                                writers that died, names files of functions without entries)
 * @param deadPackBytesBefore     bytes of removed records still in pack files, before
 * @param deadPackBytesAfter      and after the packs holding them were compacted
 */
public record StoreCleanup(long filesRemoved, long deadPackBytesBefore, long deadPackBytesAfter) {}
