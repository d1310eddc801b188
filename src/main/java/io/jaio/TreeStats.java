package io.jaio;

/**
 * What a tree operation did: entries by kind, bytes of file data copied, and failures (each
 * told to {@link TreeOptions#onError} as it happened).
 *
 * @param directories directories copied or removed
 * @param files       regular files copied or removed
 * @param symlinks    symlinks copied or removed
 * @param others      fifos, sockets and devices copied or removed
 * @param bytes       file data copied (0 for rmtree)
 * @param failures    entries that failed
 */
public record TreeStats(long directories, long files, long symlinks, long others, long bytes, long failures) {
    /** Every entry handled. */
    public long entries() {
        return directories + files + symlinks + others;
    }
}
