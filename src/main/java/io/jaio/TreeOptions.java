package io.jaio;

import java.util.function.BiConsumer;

/**
 * How {@link Aio#copyTree} and {@link Aio#rmtree} walk: how many requests they keep in flight
 * (their group's limit), whether a copy replaces existing files, and who hears of each failure.
 * Immutable; each setter returns a new instance.
 *
 * @param limit   requests in flight at most, 1 … 1,000,000 (default {@value #DEFAULT_LIMIT})
 * @param replace copyTree: replace existing files and symlinks (default false: each is a failure, EEXIST)
 * @param onError told of each failure as it happens, with the path concerned, on the delivering
 *                thread; the walk goes on past it (default: nobody)
 */
public record TreeOptions(int limit, boolean replace, BiConsumer<String, Throwable> onError) {
    /** The default limit: enough to keep a device's queue and every worker busy. */
    public static final int DEFAULT_LIMIT = 64;

    public TreeOptions {
        if (limit < 1 || limit > 1_000_000) {
            throw new IllegalArgumentException("limit must be in 1..1000000, was " + limit);
        }
    }

    /** The defaults. */
    public static TreeOptions defaults() {
        return new TreeOptions(DEFAULT_LIMIT, false, null);
    }

    /** These options with another limit. */
    public TreeOptions limit(int n) {
        return new TreeOptions(n, replace, onError);
    }

    /** These options with replacing on or off. */
    public TreeOptions replace(boolean r) {
        return new TreeOptions(limit, r, onError);
    }

    /** These options with another failure listener. */
    public TreeOptions onError(BiConsumer<String, Throwable> listener) {
        return new TreeOptions(limit, replace, listener);
    }
}
