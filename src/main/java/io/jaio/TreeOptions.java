package io.jaio;

import java.util.function.BiConsumer;

/**
 * How {@link Aio#copyTree} and {@link Aio#rmtree} walk: how many requests they keep in flight
 * (their group's limit), whether a copy replaces existing files, who hears of each failure,
 * and who hears how far the walk has got. Immutable; each setter returns a new instance.
 *
 * @param limit      requests in flight at most, 1 … 1,000,000 (default {@value #DEFAULT_LIMIT})
 * @param replace    copyTree: replace existing files and symlinks (default false: each is a failure, EEXIST)
 * @param onError    told of each failure as it happens, with the path concerned, on the delivering
 *                   thread; the walk goes on past it (default: nobody)
 * @param onProgress told the running totals as the walk goes (see {@link ProgressListener})
 *                   (default: nobody)
 */
public record TreeOptions(int limit, boolean replace, BiConsumer<String, Throwable> onError,
                          ProgressListener onProgress) {
    /** The default limit: enough to keep a device's queue and every worker busy. */
    public static final int DEFAULT_LIMIT = 64;

    /**
     * Hears how far a walk has got: called on the delivering thread each time the walk starts
     * more work (about once per entry, so keep it short: a progress display should draw at
     * most a few times a second). What it throws is ignored: the walk goes on.
     */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * @param entries entries handled so far (as {@link TreeStats#entries()})
         * @param bytes   file data copied so far (0 for rmtree)
         */
        void progress(long entries, long bytes);
    }

    public TreeOptions {
        if (limit < 1 || limit > 1_000_000) {
            throw new IllegalArgumentException("limit must be in 1..1000000, was " + limit);
        }
    }

    /** The options without a progress listener. */
    public TreeOptions(int limit, boolean replace, BiConsumer<String, Throwable> onError) {
        this(limit, replace, onError, null);
    }

    /** The defaults. */
    public static TreeOptions defaults() {
        return new TreeOptions(DEFAULT_LIMIT, false, null, null);
    }

    /** These options with another limit. */
    public TreeOptions limit(int n) {
        return new TreeOptions(n, replace, onError, onProgress);
    }

    /** These options with replacing on or off. */
    public TreeOptions replace(boolean r) {
        return new TreeOptions(limit, r, onError, onProgress);
    }

    /** These options with another failure listener. */
    public TreeOptions onError(BiConsumer<String, Throwable> listener) {
        return new TreeOptions(limit, replace, listener, onProgress);
    }

    /** These options with another progress listener. */
    public TreeOptions onProgress(ProgressListener listener) {
        return new TreeOptions(limit, replace, onError, listener);
    }
}
