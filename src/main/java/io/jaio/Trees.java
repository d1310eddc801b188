package io.jaio;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The tree operations, rmtree and copyTree, as groups: every request they make is a member
 * of one {@link AioGroup} whose feeder takes the next step from a stack of pending ones, so at
 * most {@link TreeOptions#limit()} requests are in flight, and cancelling the group cancels
 * the walk.
 *
 * <p><b>Immune to symlink races.</b> A directory is entered only through a working directory
 * opened with O_NOFOLLOW|O_DIRECTORY relative to its parent's, and every entry is named
 * relative to the directory that holds it (unlinkat, openat, fstatat, mkdirat, symlinkat,
 * mknodat). A directory swapped for a symlink after it was listed fails that open (ENOTDIR)
 * instead of being followed: rmtree then unlinks the symlink itself, copyTree reports it. So
 * no walk ever reads or deletes outside the tree it was given, whatever runs beside it.
 *
 * <p>Threads: the setup runs on the caller's thread; everything after, the feeder and every
 * callback, runs on the delivering thread, one at a time (pollCb serialises them), so the
 * walk's state needs no lock. It keeps going past failures: each is counted, told to
 * {@link TreeOptions#onError} with its path, and the first (with up to 100 more suppressed)
 * becomes the group's failure once the walk is done.
 */
abstract class Trees {
    private static final int MAX_SUPPRESSED = 100;

    /** A place: {@code name} under the working directory {@code dir}, or the absolute {@code name} when dir is null. */
    record Loc(AioWd dir, Path name) {
        String display() {
            return dir == null ? name.toString() : dir.path().resolve(name).toString();
        }
    }

    /** A directory being walked: its held working directories, and its children not yet done. */
    static final class Dir {
        final Dir parent;
        final Loc src;     // where it is (rmtree: the one place)
        final Loc dst;     // copyTree: where its copy is
        final FileStat st;
        AioWd srcWd, dstWd;
        int pending = 1;   // its listing, then each child until done
        /** rmtree: something inside could not be removed, so neither can this directory (no ENOTEMPTY noise). */
        boolean incomplete;
        /** copyTree: first copies of multiply-linked files inside dstWd that later names still link to. */
        int linkHolds;
        /** Everything inside is done (release has run); dstWd stays open while linkHolds > 0. */
        boolean walked;

        Dir(Dir parent, Loc src, Loc dst, FileStat st) {
            this.parent = parent;
            this.src = src;
            this.dst = dst;
            this.st = st;
        }
    }

    final Aio aio;
    final TreeOptions options;
    AioGroup<TreeStats> group;
    /** Steps not yet taken, newest first: depth first, so few directories are held open at once. */
    private final ArrayDeque<Supplier<Req<?>>> steps = new ArrayDeque<>();
    /** The feeder has found no step and been removed; the next step sets it again. */
    private boolean starved = true;
    private Throwable first;
    /** Directories holding working directories open: let go of when the walk ends, however it ends. */
    private final java.util.Set<Dir> open = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    long dirs, files, links, others, bytes, failures;

    private final Consumer<AioGroup<TreeStats>> feeder = g -> {
        reportProgress();
        for (Supplier<Req<?>> step; (step = steps.pollFirst()) != null; ) {
            Req<?> r;
            try {
                r = step.get();
            } catch (RuntimeException e) {
                fail("(walk)", e);    // a step refused at submission (closed Aio): the walk cannot go on there
                continue;
            }
            try {
                g.add(r);
            } catch (IllegalStateException cancelled) {
                steps.clear();    // the group was cancelled meanwhile (add cancelled r): nothing more to do
                return;
            }
            return;
        }
        starved = true;
    };

    /** Tells the progress listener, if any, the totals so far; what it throws is ignored. */
    private void reportProgress() {
        TreeOptions.ProgressListener progress = options.onProgress();
        if (progress != null) {
            try {
                progress.progress(dirs + files + links + others, bytes);
            } catch (RuntimeException ignored) {
                // a display's failure does not stop the walk (see ProgressListener)
            }
        }
    }

    Trees(Aio aio, TreeOptions options) {
        this.aio = aio;
        this.options = options;
    }

    /** Starts the walk as a group; {@code cb} gets the stats (or the first failure). */
    AioGroup<TreeStats> start(Runnable firstSteps, java.util.function.BiConsumer<? super TreeStats, ? super Throwable> cb) {
        return aio.group(g -> {
            group = g;
            g.finisher(this::end);
            g.limit(options.limit());
            firstSteps.run();
        }, cb);
    }

    /**
     * The group has ended (done, failed or cancelled): closes what a cancelled walk left open
     * and makes the result. Runs under the group's lock, after the last member.
     */
    private TreeStats end() {
        for (Dir d : open) {
            closeQuietly(d.srcWd);
            closeQuietly(d.dstWd);
        }
        open.clear();
        if (!steps.isEmpty() && !group.isCancelled()) {
            // The Aio was closed under the walk: it did not finish, and must not look as if it had.
            fail("(walk)", new java.util.concurrent.CancellationException("jaio: the walk was stopped with "
                    + steps.size() + " steps not taken (the Aio was closed)"));
            steps.clear();
        }
        return new TreeStats(dirs, files, links, others, bytes, failures);
    }

    /** {@code d} now holds working directories (srcWd, and dstWd if copying). */
    void holding(Dir d) {
        open.add(d);
    }

    /**
     * {@code d} is done: lets go of its working directories, except a destination that later
     * names of a file copied into it still link to (see Copy), which goes when they are made.
     */
    void release(Dir d) {
        d.walked = true;
        closeQuietly(d.srcWd);
        d.srcWd = null;
        if (d.linkHolds == 0) {
            open.remove(d);
            closeQuietly(d.dstWd);
            d.dstWd = null;
        }
    }

    /** Queues a step: a function that submits one request (whose callback may queue more). */
    void step(Supplier<Req<?>> s) {
        steps.addFirst(s);
        if (starved) {
            starved = false;
            group.feed(feeder);
        }
    }

    /** The view that names {@code loc}. */
    Aio in(Loc loc) {
        return loc.dir() == null ? aio : aio.at(loc.dir());
    }

    void fail(String path, Throwable e) {
        failures++;
        if (first == null) {
            first = e;
            group.fail(e);
        } else if (first.getSuppressed().length < MAX_SUPPRESSED && first != e) {
            first.addSuppressed(e);
        }
        if (options.onError() != null) {
            options.onError().accept(path, e);
        }
    }

    /**
     * Whether a failed file copy's errno concerns its source rather than its destination. The
     * exception names the path it concerns where it can (made as the request made it, absolute):
     * the source (open, read), or the destination (its temporary file, rename, times). Where it
     * names none (a write) or both (copy_file_range, sendfile), the errno tells: a full disk,
     * a quota, a size limit or a read-only file system is the destination's.
     */
    static boolean aboutSource(Throwable e, Loc src) {
        if (!(e instanceof ErrnoException x)) {
            return true;
        }
        if (x.getFile() == null || x.getOtherFile() != null) {
            return switch (x.errnoName()) {
                case "ENOSPC", "EDQUOT", "EFBIG", "EROFS" -> false;
                default -> x.getFile() != null || !(x.syscall().contains("write"));
            };
        }
        return Path.of(x.getFile()).equals(Path.of(src.display()).toAbsolutePath());
    }

    static boolean is(Throwable e, String errno) {
        return e instanceof ErrnoException x && x.errnoName().equals(errno);
    }

    static void closeQuietly(AioWd w) {
        if (w != null) {
            w.close();
        }
    }

    /** {@code dir} has one child fewer to wait for; at 0 it is finished. */
    void childDone(Dir d) {
        if (d != null && --d.pending == 0) {
            finished(d);
        }
    }

    /** Everything inside {@code d} is done. */
    abstract void finished(Dir d);

    // ================================================================ rmtree

    /** rmtree: unlink everything, deepest first, then rmdir each directory once empty. */
    static final class Remove extends Trees {
        Remove(Aio aio, TreeOptions options) {
            super(aio, options);
        }

        void begin(Path root) {
            Loc loc = new Loc(null, root);
            step(() -> aio.lstat(root, (st, e) -> {
                if (e != null) {
                    fail(root.toString(), e);
                } else if (st.isDirectory()) {
                    enter(null, loc);
                } else {
                    unlink(null, loc, st.isSymbolicLink() ? 1 : st.isRegularFile() ? 0 : 2);
                }
            }));
        }

        /** Opens {@code loc} as a directory without following it, then lists it. */
        private void enter(Dir parent, Loc loc) {
            step(() -> in(loc).wdNoFollow(loc.name(), (w, e) -> {
                if (e != null && parent != null && (is(e, "ENOTDIR") || is(e, "ELOOP"))) {
                    unlink(parent, loc, 1);    // swapped for a symlink (or file) since it was listed: remove that, not its target
                } else if (e != null) {
                    fail(loc.display(), e);
                    markIncomplete(parent);
                    childDone(parent);
                } else {
                    Dir d = new Dir(parent, loc, null, null);
                    d.srcWd = w;
                    holding(d);
                    list(d);
                }
            }));
        }

        private void list(Dir d) {
            step(() -> aio.at(d.srcWd).readdirx(Path.of("."), Aio.READDIR_DENTS, (entries, e) -> {
                if (e != null) {
                    fail(d.src.display(), e);
                    d.incomplete = true;
                } else {
                    for (DirEntry x : entries) {
                        Loc child;
                        try {
                            child = new Loc(d.srcWd, Path.of(x.name()));
                        } catch (RuntimeException bad) {    // a name this JVM's locale cannot make a Path of
                            fail(d.src.display() + "/" + x.name(), bad);
                            d.incomplete = true;
                            continue;
                        }
                        d.pending++;
                        switch (x.type()) {
                            case DIR -> enter(d, child);
                            case UNKNOWN -> step(() -> aio.at(d.srcWd).lstat(child.name(), (st, e2) -> {
                                if (e2 != null) {
                                    fail(child.display(), e2);
                                    d.incomplete = true;
                                    childDone(d);
                                } else if (st.isDirectory()) {
                                    enter(d, child);
                                } else {
                                    unlink(d, child, st.isSymbolicLink() ? 1 : st.isRegularFile() ? 0 : 2);
                                }
                            }));
                            default -> unlink(d, child, x.type() == DirEntry.Type.LNK ? 1 : x.type() == DirEntry.Type.REG ? 0 : 2);
                        }
                    }
                }
                childDone(d);
            }));
        }

        /** Unlinks a non-directory; kind 0 file, 1 symlink, 2 other (for the counts). */
        private void unlink(Dir parent, Loc loc, int kind) {
            step(() -> in(loc).unlink(loc.name(), (v, e) -> {
                if (e != null) {
                    fail(loc.display(), e);
                    markIncomplete(parent);
                } else if (kind == 0) {
                    files++;
                } else if (kind == 1) {
                    links++;
                } else {
                    others++;
                }
                childDone(parent);
            }));
        }

        private static void markIncomplete(Dir d) {
            if (d != null) {
                d.incomplete = true;
            }
        }

        @Override
        void finished(Dir d) {
            release(d);
            if (d.incomplete) {
                markIncomplete(d.parent);    // its failure is reported already; its rmdir would only add ENOTEMPTY
                childDone(d.parent);
                return;
            }
            step(() -> in(d.src).rmdir(d.src.name(), (v, e) -> {
                if (e != null) {
                    fail(d.src.display(), e);
                    markIncomplete(d.parent);
                } else {
                    dirs++;
                }
                childDone(d.parent);
            }));
        }
    }

    // ================================================================ copyTree

    /** copyTree: directories made (and merged into) first, their mode and times set last. */
    static final class Copy extends Trees {
        /** The copy's root directory, which the walk must never enter as a source (dst inside src). */
        private long dstRootDev = -1, dstRootIno = -1;

        Copy(Aio aio, TreeOptions options) {
            super(aio, options);
        }

        void begin(Path src, Path dst) {
            step(() -> aio.lstat(src, (st, e) -> {
                if (e != null) {
                    fail(src.toString(), e);
                } else {
                    entry(null, new Loc(null, src), new Loc(null, dst), st);
                }
            }));
        }

        /**
         * A source file with more than one name, by (dev, ino). As {@code cp -a}, the first
         * name met is copied and each later name becomes a hard link to that copy. The link is
         * made relative to the descriptor of the directory the copy is in, held open until the
         * last name is linked (or the walk ends), so like the rest of the walk it resolves one
         * name in a directory jaio holds, and no symlink swapped in meanwhile can redirect it.
         * Names met while the first copy runs wait for it. Where it fails, the next name met
         * becomes the first copy, as GNU cp forgets a failed one; where a link cannot be made
         * (the file system's link limit, say), that name is copied as a file of its own.
         */
        private static final class Linked {
            final List<Long> key;
            Dir dir;             // the first copy's directory (null while no copy is made or running)
            Path name;           // the first copy's name in it
            int unmet;           // names of the file not met yet (links outside the tree are never met)
            int linking;         // link requests queued or running
            boolean copied;      // the first copy is there: later names link to it
            final List<Name> waiting = new java.util.ArrayList<>();

            Linked(List<Long> key, int unmet) {
                this.key = key;
                this.unmet = unmet;
            }
        }

        /** A name of a multiply-linked file met by the walk: where it is and where its copy goes. */
        private record Name(Dir parent, Loc src, Loc dst) {}

        /**
         * Destination directories held open past their own walk for links, at most a quarter of
         * the process's descriptor limit (256 to 65,536), so a tree whose files have names
         * outside it (a snapshot among backups, say) cannot run the process out of descriptors.
         * Beyond it, a further multiply-linked file is copied per name.
         */
        static int maxLinkDirs = Math.clamp(openFilesLimit() / 4, 256, 65_536);    // not final: TreeTest lowers it
        private int linkDirs;
        private final java.util.Map<List<Long>, Linked> linked = new java.util.HashMap<>();

        /** The soft RLIMIT_NOFILE, from /proc/self/limits; 1,024 where it cannot be read. */
        private static long openFilesLimit() {
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/limits"))) {
                    if (line.startsWith("Max open files")) {
                        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux's /proc: the conservative default
            }
            return 1024;
        }

        private void entry(Dir parent, Loc src, Loc dst, FileStat st) {
            if (st.isDirectory()) {
                makeDir(parent, src, dst, st);
            } else if (st.isRegularFile()) {
                if (st.nlink() > 1 && parent != null) {
                    List<Long> key = List.of(st.dev(), st.ino());
                    Linked l = linked.get(key);
                    Name n = new Name(parent, src, dst);
                    if (l != null) {
                        l.unmet--;
                        if (l.copied) {
                            link(n, l);
                        } else if (l.dir != null) {
                            l.waiting.add(n);    // its first copy is running
                        } else {
                            copyFirst(l, n);     // every earlier copy failed: this name is the first
                        }
                        return;
                    }
                    if (parent.linkHolds > 0 || linkDirs < maxLinkDirs) {
                        l = new Linked(key, (int) Math.min(Integer.MAX_VALUE, st.nlink() - 1));
                        linked.put(key, l);
                        copyFirst(l, n);
                        return;
                    }
                }
                copyAlone(parent, src, dst);
            } else {
                step(() -> copyNode(src, dst, st, (v, e) -> {
                    if (e != null) {
                        fail(dst.display(), e);
                    } else if (st.isSymbolicLink()) {
                        links++;
                    } else {
                        others++;
                    }
                    childDone(parent);
                }));
            }
        }

        /**
         * The first copy of a multiply-linked file, into {@code n}'s directory, which is held
         * for the later names' links; once it is there they link to it, and if it fails the
         * next waiting name is copied instead.
         */
        private void copyFirst(Linked l, Name n) {
            Dir d = n.parent();
            if (d.linkHolds++ == 0) {
                linkDirs++;
            }
            l.dir = d;
            l.name = n.dst().name();
            step(() -> copyFile(n.src(), n.dst(), (bytesCopied, e) -> {
                if (e != null) {
                    fail(is(e, "EEXIST") || !aboutSource(e, n.src()) ? n.dst().display() : n.src().display(), e);
                    l.dir = null;
                    unhold(d);
                    if (!l.waiting.isEmpty()) {
                        copyFirst(l, l.waiting.remove(0));
                    }
                } else {
                    files++;
                    bytes += bytesCopied;
                    l.copied = true;
                    for (Name w : l.waiting) {
                        link(w, l);
                    }
                    l.waiting.clear();
                }
                settle(l);
                childDone(d);
            }));
        }

        /**
         * A later name of a multiply-linked file: a hard link to its first copy (replacing a
         * name that exists only if asked); where the link cannot be made, a copy of its own.
         */
        private void link(Name n, Linked l) {
            l.linking++;
            step(() -> aio.linkAt(l.dir.dstWd, l.name, n.dst().dir(), n.dst().name(), options.replace(), (v, e) -> {
                l.linking--;
                if (e == null) {
                    files++;
                    childDone(n.parent());
                } else if (is(e, "EEXIST")) {
                    fail(n.dst().display(), e);
                    childDone(n.parent());
                } else {
                    copyAlone(n.parent(), n.src(), n.dst());
                }
                settle(l);
            }));
        }

        /** Forgets {@code l} once no name of its file is left to link, letting go of its directory. */
        private void settle(Linked l) {
            if (l.unmet <= 0 && l.linking == 0 && l.waiting.isEmpty() && (l.copied || l.dir == null)
                    && linked.remove(l.key, l) && l.dir != null) {
                unhold(l.dir);
            }
        }

        /** One link fewer needs {@code d}'s destination descriptor; the last closes it if d is done. */
        private void unhold(Dir d) {
            if (--d.linkHolds == 0) {
                linkDirs--;
                if (d.walked) {
                    release(d);
                }
            }
        }

        private void copyAlone(Dir parent, Loc src, Loc dst) {
            step(() -> copyFile(src, dst, (n, e) -> {
                if (e != null) {
                    fail(is(e, "EEXIST") || !aboutSource(e, src) ? dst.display() : src.display(), e);
                } else {
                    files++;
                    bytes += n;
                }
                childDone(parent);
            }));
        }

        private Req<Long> copyFile(Loc src, Loc dst, java.util.function.BiConsumer<Long, Throwable> cb) {
            if (src.dir() == null) {
                // the root: a single file, named by absolute paths
                return aio.copyAt(null, src.name(), null, dst.name(), options.replace(), cb);
            }
            return aio.copyAt(src.dir(), src.name(), dst.dir(), dst.name(), options.replace(), cb);
        }

        private Req<Void> copyNode(Loc src, Loc dst, FileStat st, java.util.function.BiConsumer<Void, Throwable> cb) {
            return aio.copyNodeAt(src.dir(), src.name(), dst.dir(), dst.name(), st, options.replace(), cb);
        }

        /** mkdir (an existing directory is merged into), then open both sides and list the source. */
        private void makeDir(Dir parent, Loc src, Loc dst, FileStat st) {
            step(() -> in(dst).mkdir(dst.name(), 0700, (v, e) -> {
                if (is(e, "EEXIST")) {
                    step(() -> in(dst).lstat(dst.name(), (d, e2) -> {
                        if (e2 == null && d.isDirectory()) {
                            open(parent, src, dst, st);
                        } else {
                            fail(dst.display(), e);
                            childDone(parent);
                        }
                    }));
                } else if (e != null) {
                    fail(dst.display(), e);
                    childDone(parent);
                } else {
                    open(parent, src, dst, st);
                }
            }));
        }

        private void open(Dir parent, Loc src, Loc dst, FileStat st) {
            Dir d = new Dir(parent, src, dst, st);
            step(() -> in(src).wdNoFollow(src.name(), (w, e) -> {
                if (e != null) {
                    fail(src.display(), e);
                    childDone(parent);
                    return;
                }
                d.srcWd = w;
                holding(d);
                step(() -> in(dst).wdNoFollow(dst.name(), (w2, e2) -> {
                    if (e2 != null) {
                        release(d);
                        fail(dst.display(), e2);
                        childDone(parent);
                        return;
                    }
                    d.dstWd = w2;
                    if (parent != null) {
                        list(d);
                        return;
                    }
                    step(() -> in(dst).lstat(dst.name(), (rootCopy, e3) -> {
                        if (e3 == null) {
                            dstRootDev = rootCopy.dev();
                            dstRootIno = rootCopy.ino();
                        }
                        list(d);
                    }));
                }));
            }));
        }

        private void list(Dir d) {
            step(() -> aio.at(d.srcWd).readdirx(Path.of("."), Aio.READDIR_STAT, (entries, e) -> {
                if (e != null) {
                    fail(d.src.display(), e);
                } else {
                    List<DirEntry> all = entries;
                    for (DirEntry x : all) {
                        if (x.stat().isDirectory() && x.stat().dev() == dstRootDev && x.stat().ino() == dstRootIno) {
                            String where = d.srcWd.path().resolve(x.name()).toString();
                            fail(where, new java.io.IOException("jaio: " + where
                                    + " is the copy itself (the destination lies inside the source): not copied into itself"));
                            continue;
                        }
                        Path name;
                        try {
                            name = Path.of(x.name());
                        } catch (RuntimeException bad) {    // a name this JVM's locale cannot make a Path of
                            fail(d.src.display() + "/" + x.name(), bad);
                            continue;
                        }
                        d.pending++;
                        entry(d, new Loc(d.srcWd, name), new Loc(d.dstWd, name), x.stat());
                    }
                }
                childDone(d);
            }));
        }

        @Override
        void finished(Dir d) {
            release(d);
            // Last: the directory's own mode and times, once nothing more will change inside it.
            step(() -> in(d.dst).restore(d.dst.name(), d.st, (v, e) -> {
                if (e != null) {
                    fail(d.dst.display(), e);
                } else {
                    dirs++;
                }
                childDone(d.parent);
            }));
        }
    }
}
