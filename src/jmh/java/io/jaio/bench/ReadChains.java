package io.jaio.bench;

import io.jaio.Aio;
import io.jaio.AioFile;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The jaio side of the read benchmarks: one chain per buffer, each completed read starting
 * the chain's next until {@code reads} are issued, the benchmark thread polling (MANUAL
 * delivery). Each chain's callback is one object, so the benchmark allocates nothing per read
 * of its own and gc.alloc.rate.norm is jaio's.
 */
final class ReadChains {
    private final Aio aio;
    private final AioFile file;
    private final int block;
    private final long blocks;
    private final int reads;
    private final SplittableRandom random;
    private int issued;    // the polling thread only
    private long bytes;

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
        ReadChains run = new ReadChains(aio, file, block, blocks, reads, random);
        for (MemorySegment s : segments) {
            run.new Chain(s).next();
        }
        while (aio.nreqs() > 0) {
            aio.pollWait();
            aio.pollCb();
        }
        return run.bytes;
    }

    private final class Chain implements BiConsumer<Long, Throwable> {
        private final MemorySegment segment;

        Chain(MemorySegment segment) {
            this.segment = segment;
        }

        void next() {
            if (issued++ < reads) {
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
