using TokenSkip.Models.Kernels;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

public sealed class DecodeThreadScopeTests
{
    [Fact]
    public void LibtorchRunsSingleThreadedInsideAndTheKernelsKeepTheCount()
    {
        var before = get_num_threads();
        set_num_threads(3);
        try
        {
            Assert.Equal(3, DecodeThreadScope.KernelThreads);
            using (DecodeThreadScope.Enter())
            {
                Assert.Equal(1, get_num_threads());
                Assert.Equal(3, DecodeThreadScope.KernelThreads);
                using (DecodeThreadScope.Enter())
                {
                    Assert.Equal(1, get_num_threads());
                    Assert.Equal(3, DecodeThreadScope.KernelThreads);
                }

                Assert.Equal(1, get_num_threads()); // the inner scope did not restore early
            }

            Assert.Equal(3, get_num_threads());
            Assert.Equal(3, DecodeThreadScope.KernelThreads);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void NothingChangesWhenLibtorchIsAlreadySingleThreaded()
    {
        var before = get_num_threads();
        set_num_threads(1);
        try
        {
            using (DecodeThreadScope.Enter())
            {
                Assert.Equal(1, get_num_threads());
                Assert.Equal(1, DecodeThreadScope.KernelThreads);
            }

            Assert.Equal(1, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
