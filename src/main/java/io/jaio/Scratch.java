package io.jaio;

import io.jaio.internal.engine.Worker;
import io.jaio.internal.sys.Stat;
import io.jaio.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A worker's own native memory: its syscall state, a stat/statx buffer, two path buffers, a
 * getdents64 buffer and a bounce buffer for heap segments. Allocated from the worker's confined
 * arena on its first request and freed when the worker exits; nothing here is allocated per
 * request (the bounce buffer grows, up to {@link #BOUNCE_MAX}, and is then reused).
 */
final class Scratch {
    /** PATH_MAX including the NUL. */
    static final int PATH_MAX = 4096;
    static final int DIRENT_BUF = 64 * 1024;
    static final long BOUNCE_MAX = 1 << 20;

    final Sys sys;
    final MemorySegment stat;
    final MemorySegment path1, path2;
    final MemorySegment dirents;
    /** A heap copy of {@link #dirents}, where the records are parsed (Dirents.forEach). */
    final byte[] direntsHeap = new byte[DIRENT_BUF];
    /** Two {@code struct timespec} for utimensat. */
    final MemorySegment times;
    private final Arena arena;
    private MemorySegment bounce;
    /** The descriptor relative paths resolve against while an AtWd request runs; AT_FDCWD otherwise (unused then). */
    int atDir = Sys.AT_FDCWD;

    private Scratch(Arena arena) {
        this.arena = arena;
        this.sys = new Sys(arena);
        this.stat = arena.allocate(Math.max(Stat.STAT_SIZE, Stat.STATX_SIZE), Stat.ALIGN);
        this.path1 = arena.allocate(PATH_MAX);
        this.path2 = arena.allocate(PATH_MAX);
        this.dirents = arena.allocate(DIRENT_BUF, 8);
        this.times = arena.allocate(32, 8);
    }

    static Scratch of(Worker w) {
        Object o = w.local();
        if (o == null) {
            o = new Scratch(w.arena());
            w.local(o);
        }
        return (Scratch) o;
    }

    /** A native buffer of at least {@code min(size, BOUNCE_MAX)} bytes. */
    MemorySegment bounce(long size) {
        long want = Math.min(Math.max(size, 4096), BOUNCE_MAX);
        if (bounce == null || bounce.byteSize() < want) {
            long cap = Math.min(Long.highestOneBit(want - 1) << 1, BOUNCE_MAX);
            bounce = arena.allocate(Math.max(cap, want), 4096);
        }
        return bounce;
    }
}
