using TokenSkip.Models.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

public sealed class HugePagesTests
{
    [Fact]
    public void AdvisingLeavesTheValuesAsTheyWere()
    {
        using var scope = NewDisposeScope();
        var large = randn([3 << 20], generator: new Generator(2)); // 12 MB: at least four whole 2 MB pages inside
        var small = randn([1000], generator: new Generator(3));
        var before = large.clone();
        var smallBefore = small.clone();

        var advised = HugePages.Advise([large, small, large.narrow(0, 5, 1 << 20)]);

        Assert.True(advised >= 0);
        Assert.True(advised <= large.NumberOfElements * 4 * 2);
        Assert.Equal(0, (large - before).abs().max().item<float>());
        Assert.Equal(0, (small - smallBefore).abs().max().item<float>());
    }
}
