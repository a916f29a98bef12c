using TokenSkip.Models.Kernels;
using Xunit;

namespace TokenSkip.Models.Tests.Kernels;

public sealed class KernelThreadPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void EveryChunkRunsExactlyOnce(int threads)
    {
        using var pool = new KernelThreadPool(threads);
        for (var job = 0; job < 200; job++)
        {
            var work = new CountingWork(job % 37 + 1);
            pool.Run(work, work.Counts.Length);
            Assert.All(work.Counts, c => Assert.Equal(1, c));
        }
    }

    [Fact]
    public void AFailingChunkFailsTheJobAndThePoolKeepsWorking()
    {
        using var pool = new KernelThreadPool(2);
        Assert.Throws<AggregateException>(() => pool.Run(new FailingWork(), 8));
        var work = new CountingWork(8);
        pool.Run(work, 8);
        Assert.All(work.Counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void JobsFromSeveralThreadsAreSerialised()
    {
        using var pool = new KernelThreadPool(2);
        Parallel.For(0, 8, _ =>
        {
            for (var job = 0; job < 50; job++)
            {
                var work = new CountingWork(16);
                pool.Run(work, 16);
                Assert.All(work.Counts, c => Assert.Equal(1, c));
            }
        });
    }

    private sealed class CountingWork(int chunks) : IChunkedWork
    {
        public int[] Counts { get; } = new int[chunks];

        public void RunChunk(int chunk) => Interlocked.Increment(ref Counts[chunk]);
    }

    private sealed class FailingWork : IChunkedWork
    {
        public void RunChunk(int chunk)
        {
            if (chunk == 3)
            {
                throw new InvalidOperationException("chunk 3");
            }
        }
    }
}
