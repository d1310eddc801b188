package io.jaio;

import io.jaio.Request.NPath;
import io.jaio.internal.engine.Engine;
import io.jaio.internal.engine.Task;
import io.jaio.internal.sys.Names;

import java.util.ArrayList;
import java.util.List;

/**
 * IO::AIO 4.80's aio_scandir as a group of child requests: open the directory as a working
 * directory (aio_wd), so every later child names entries relative to it; stat it, read it
 * (readdirx, likely directories first: DT_DIR, then by libeio's name heuristics, each group in
 * inode order), stat it again. If nothing changed (and it was not modified this very second),
 * nlink − 2 is the number of subdirectories, so stat'ing stops once that many are found, and
 * nlink == 2 means none at all. Otherwise (the slow route) every entry is examined: each is
 * probed by stat'ing {@code entry/.} (which fails for anything that is not a directory or a
 * link to one) with at most maxreq probes in flight, then lstat'ed to tell a real directory
 * from a symlink to one. Where nlink is below 2 (btrfs and other file systems that do not
 * count subdirectories) and the listing gives every entry's type, the types answer with no
 * stat at all, as in 4.80.
 *
 * <p>One departure, for correctness: a probe that fails with anything but ENOTDIR (EACCES on a
 * directory without search permission, ENOENT for a dangling link, ELOOP) is settled by an
 * lstat of the entry, so an unreadable directory is still a directory; IO::AIO counts it as a
 * non-directory.
 *
 * <p>Children run on workers and their continuations run there too, so a scan progresses
 * whether or not anyone polls; only the group's own result goes through pollCb. Children are
 * requests like any other: they count in nreqs, and probes beyond the first in flight start
 * only while the engine is under maxOutstanding (a continuation that queues its successor
 * before its own child stops counting may overshoot by one, so by at most one per worker). A
 * cancelled child (close(true)) fails the scan with CancellationException; {@link #cancel}
 * cancels the scan and its queued children.
 */
final class Scandir {
    /** Test hook: runs between readdir and the second stat, to change the directory there. */
    static volatile Runnable afterReaddirHook;
    /** Test hook: told which route each scan took (true = slow). */
    static volatile java.util.function.Consumer<Boolean> routeHook;


    private final Engine engine;
    private Task group;        // set once, before the first child is queued
    private final NPath dir;
    private final int maxreq;
    /** The working directory a relative {@code dir} is under (an {@code at} view's), or null. */
    private final AioFile wd;
    /**
     * The scanned directory itself, held open (IO::AIO 4.80's aio_wd) once the first child has
     * opened it; every later child names entries relative to it, so the scan stays in the
     * directory it opened and never builds long paths. Set under this; closed when the scan ends.
     */
    private AioWd scanWd;
    /** "." in the scanned directory, for its own stats and listing. */
    private final NPath here;
    /** Children queued and not yet settled (guarded by this); a stale done one is harmless to cancel. */
    private final java.util.Set<Task> children = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    // Guarded by this: continuations run concurrently on different workers.
    private long[] hash1;
    private List<String> entries;
    private int next;          // index of the next entry to probe
    private int inFlight;      // probes (stat + lstat pairs) running
    private long ndirs;        // directories still to find; -1 = unknown (slow route)
    private boolean finished;
    private final List<String> dirs = new ArrayList<>();
    private final List<String> nondirs = new ArrayList<>();

    Scandir(Engine engine, NPath dir, int maxreq, AioFile wd) {
        this.engine = engine;
        this.dir = dir;
        this.maxreq = maxreq;
        this.wd = wd;
        this.here = new NPath(dir.display(), new byte[] {'.'}, true);
    }

    /** Starts the scan as {@code group} (whose request record holds this scan). */
    void start(Task group) {
        this.group = group;
        child(new Request.Wd(dir, null, false), (w, e0) -> {
            if (e0 != null) {
                finish(null, e0);
                return;
            }
            synchronized (this) {
                scanWd = (AioWd) w;
            }
            statAndList();
        });
    }

    private void statAndList() {
        child(new Request.Stat(here, true), (r, e) -> {
            if (e != null) {
                finish(null, e);
                return;
            }
            FileStat st = (FileStat) r;
            hash1 = hash(st);
            boolean trustTypes = st.nlink() < 2;    // btrfs and friends: nlink says nothing, d_type does
            child(new Request.Readdirx(here, Aio.READDIR_DIRS_FIRST),
                    (r2, e2) -> onReaddir(r2, e2, trustTypes));
        });
    }

    /**
     * Cancels the scan unless it has finished: its future completes with CancellationException
     * now, queued children never run, running ones are ignored when they return, and the group
     * leaves nreqs through pollCb (whose delivery finds it cancelled).
     */
    boolean cancel() {
        List<Task> queued;
        synchronized (this) {
            if (finished) {
                return false;
            }
            finished = true;
            queued = new ArrayList<>(children);
            children.clear();
            closeWdLocked();
        }
        boolean took = ((Req<?>) group.owner()).cancelCompletion();
        for (Task t : queued) {
            engine.cancel(t, () -> ((Request) t.request).release());    // it never runs: let go of its pins
        }
        engine.finish(group, null, new java.util.concurrent.CancellationException("jaio: scandir cancelled"));
        return took;
    }

    /** Lets go of the scanned directory (close(2) waits for the children still using it). */
    private void closeWdLocked() {
        if (scanWd != null) {
            scanWd.close();
        }
    }

    /** Queues a child unless the scan has finished; its continuation runs only while the scan goes on. */
    private void child(Request r, Task.Continuation then) {
        Task[] self = new Task[1];
        Task.Continuation wrapped = (res, err) -> {
            synchronized (this) {    // held by child() until self[0] is set
                if (err instanceof java.util.concurrent.CancellationException) {
                    ((Request) self[0].request).release();    // close(true) dropped it unrun: its pins go
                }
                if (self[0] != null) {
                    children.remove(self[0]);
                }
                if (finished) {
                    if (res instanceof AioWd w) {
                        w.close();    // opened after the scan ended: nobody else will close it
                    }
                    return;    // cancelled or failed meanwhile: nothing more to do
                }
            }
            if (err instanceof java.util.concurrent.CancellationException) {
                finish(null, err);    // close(true) cancelled this child: the answer would be wrong
                return;
            }
            then.done(res, err);
        };
        synchronized (this) {
            if (finished) {
                return;
            }
            // Pinned until the child's release: the scanned directory once open, else the view's.
            AioFile base = scanWd != null ? scanWd.file() : wd;
            Request req = base == null ? r : new Request.AtWd(r, Aio.fd(base));
            Task t = engine.submitChild(req, group.pri(), wrapped);
            self[0] = t;    // its continuation waits for this monitor, so it sees self[0]
            children.add(t);
        }
    }

    @SuppressWarnings("unchecked")
    private void onReaddir(Object r, Throwable e, boolean trustTypes) {
        if (e != null) {
            finish(null, e);
            return;
        }
        List<DirEntry> list = (List<DirEntry>) r;
        if (trustTypes && list.stream().noneMatch(d -> d.type() == DirEntry.Type.UNKNOWN)) {
            // IO::AIO 4.80: where nlink cannot count subdirectories but every d_type is known,
            // the listing alone answers. Likely directories come first, so DT_DIR entries lead.
            List<String> d = new ArrayList<>(), nd = new ArrayList<>();
            for (DirEntry x : list) {
                (x.type() == DirEntry.Type.DIR ? d : nd).add(x.name());
            }
            finish(new ScanResult(d, nd), null);
            return;
        }
        Runnable hook = afterReaddirHook;
        if (hook != null) {
            hook.run();
        }
        child(new Request.Stat(here, true), (r2, e2) -> {
            if (e2 != null) {
                finish(null, e2);
                return;
            }
            onSecondStat(list, (FileStat) r2);
        });
    }

    private void onSecondStat(List<DirEntry> list, FileStat st) {
        long now = System.currentTimeMillis() / 1000;
        boolean slow = !java.util.Arrays.equals(hash1, hash(st)) || st.mtimeSec() == now;
        var route = routeHook;
        if (route != null) {
            route.accept(slow);
        }
        synchronized (this) {
            ndirs = slow ? -1 : st.nlink() - 2;
            entries = new ArrayList<>(list.size());
            for (DirEntry x : list) {
                entries.add(x.name());    // readdirx's order: likely directories first, then inode order
            }
            if (ndirs == 0) {
                nondirs.addAll(entries);
                next = entries.size();
            }
        }
        feed();
    }

    /** dev, ino, nlink, size, mtime: what IO::AIO compares between the two stats. */
    private static long[] hash(FileStat st) {
        return new long[] {st.dev(), st.ino(), st.nlink(), st.size(),
                st.mtimeSec(), st.mtimeNsec()};
    }

    /** Starts probes until maxreq are in flight or nothing is left; finishes when all are in. */
    private void feed() {
        List<String> launch = new ArrayList<>();
        boolean done;
        synchronized (this) {
            while (inFlight < maxreq && next < entries.size() && ndirs != 0 && !finished
                    && (inFlight == 0 || launch.size() < engine.room())) {
                launch.add(entries.get(next++));
                inFlight++;
            }
            done = inFlight == 0 && (next >= entries.size() || ndirs == 0);
            if (done && ndirs == 0 && next < entries.size()) {
                nondirs.addAll(entries.subList(next, entries.size()));
                next = entries.size();
            }
        }
        for (String name : launch) {
            probe(name);
        }
        if (done) {
            List<String> d, nd;
            synchronized (this) {
                d = new ArrayList<>(dirs);
                nd = new ArrayList<>(nondirs);
            }
            finish(new ScanResult(d, nd), null);
        }
    }

    private void probe(String name) {
        NPath dot = childPath(name + "/.");
        child(new Request.Stat(dot, true), (r, e) -> {
            if (e instanceof ErrnoException x && x.errno() == io.jaio.internal.sys.Errno.ENOTDIR) {
                settle(name, false);    // the common case: a file, or a symlink to one
                return;
            }
            if (e != null) {
                // EACCES (a directory without search permission), ENOENT (dangling), ELOOP, …:
                // the entry itself says what it is. An unreadable directory is a directory.
                child(new Request.Stat(childPath(name), false),
                        (r2, e2) -> settle(name, e2 == null && ((FileStat) r2).isDirectory()));
                return;
            }
            child(new Request.Stat(childPath(name), false),
                    (r2, e2) -> settle(name, e2 == null && ((FileStat) r2).isDirectory()));
        });
    }

    private void settle(String name, boolean isDir) {
        synchronized (this) {
            inFlight--;
            if (isDir) {
                dirs.add(name);
                if (ndirs > 0 && --ndirs == 0) {
                    // Every subdirectory is found: the rest are non-directories, unprobed.
                    nondirs.addAll(entries.subList(next, entries.size()));
                    next = entries.size();
                }
            } else {
                nondirs.add(name);
            }
        }
        feed();
    }

    /** An entry, relative to the scanned directory (its wd); messages name the whole path. */
    private NPath childPath(String name) {
        return new NPath(dir.display() + "/" + name, Names.encode(name), true);
    }

    private void finish(ScanResult result, Throwable error) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            children.clear();
            closeWdLocked();
        }
        engine.finish(group, result, error);
    }
}
