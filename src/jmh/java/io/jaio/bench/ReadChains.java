package io.jaio.bench;

import io.jaio.Aio;
import io.jaio.AioFile;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The jaio side of the read benchmarks: one chain per buffer, each completed read starting
 * the chain's next until {@code reads} are issued. Under MANUAL delivery the benchmark thread
 * polls; under AUTO it waits in flush while the callbacks run on jaio's threads (one at a
 * time, so each chain's random and byte count need no lock; the issue count is shared with
 * the starting thread). Each chain's callback is one object, so the benchmark allocates
 * nothing per read of its own and gc.alloc.rate.norm is jaio's.
 */
final class ReadChains {
    private final Aio aio;
    private final AioFile file;
    private final int block;
    private final long blocks;
    private final int reads;
    private final SplittableRandom random;
    private final java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();

    private ReadChains(Aio aio, AioFile file, int block, long blocks, int reads, SplittableRandom random) {
        this.aio = aio;
        this.file = file;
        this.block = block;
        this.blocks = blocks;
        this.reads = reads;
        this.random = random;
    }

    /** Runs {@code reads} random block reads, one chain per segment; returns the bytes read. */
    static long run(Aio aio, AioFile file, MemorySegment[] segments, int block, long blocks, int reads,
                    SplittableRandom random) {
        return run(aio, file, segments, block, blocks, reads, random, true);
    }

    /** As above; {@code poll} false for an Aio with AUTO delivery, whose callbacks run on jaio's threads. */
    static long run(Aio aio, AioFile file, MemorySegment[] segments, int block, long blocks, int reads,
                    SplittableRandom random, boolean poll) {
        ReadChains run = new ReadChains(aio, file, block, blocks, reads, random);
        Chain[] chains = new Chain[segments.length];
        for (int i = 0; i < chains.length; i++) {
            chains[i] = run.new Chain(segments[i], random.split());
        }
        for (Chain c : chains) {
            c.next();
        }
        if (poll) {
            while (aio.nreqs() > 0) {
                aio.pollWait();
                aio.pollCb();
            }
        } else {
            aio.flush();
        }
        long bytes = 0;
        for (Chain c : chains) {
            bytes += c.bytes;
        }
        return bytes;
    }

    private final class Chain implements BiConsumer<Long, Throwable> {
        private final MemorySegment segment;
        private final SplittableRandom random;
        private long bytes;

        Chain(MemorySegment segment, SplittableRandom random) {
            this.segment = segment;
            this.random = random;
        }

        void next() {
            if (issued.getAndIncrement() < reads) {
                aio.read(file, random.nextLong(blocks) * block, block, segment, 0, this);
            }
        }

        @Override
        public void accept(Long n, Throwable err) {
            if (err != null) throw new IllegalStateException(err);
            bytes += n;
            next();
        }
    }
}
