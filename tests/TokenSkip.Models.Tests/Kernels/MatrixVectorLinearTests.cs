using TokenSkip.Models.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

/// <summary><see cref="MatrixVectorLinear"/> agrees with <c>nn.functional.linear</c> where it applies and declines elsewhere.</summary>
public sealed class MatrixVectorLinearTests
{
    [SkippableTheory]
    [InlineData(ScalarType.Float32, 1e-5)]
    [InlineData(ScalarType.BFloat16, 1.6e-2)] // one bfloat16 rounding of the result (2^-7 relative) plus libtorch's own
    [InlineData(ScalarType.Float16, 2e-3)]
    public void MatchesLibtorchLinear(ScalarType dtype, double tolerance)
    {
        Skip.IfNot(MatrixVectorProduct.IsAccelerated, "SIMD is not hardware-accelerated here; the kernel is not used");
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var weight = randn([203, 97], generator: generator).to_type(dtype);
        var bias = randn([203], generator: generator).to_type(dtype);
        foreach (var shape in new long[][] { [97], [1, 97], [3, 97], [2, 1, 97], [1, 4, 97] })
        {
            var input = randn(shape, generator: generator).to_type(dtype);
            var got = MatrixVectorLinear.TryApply(input, weight, bias);
            Assert.NotNull(got);
            var want = nn.functional.linear(input, weight, bias);
            Assert.Equal(want.shape, got.shape);
            Assert.Equal(dtype, got.dtype);
            var difference = (got.to_type(ScalarType.Float32) - want.to_type(ScalarType.Float32)).abs().max().item<float>();
            var magnitude = want.to_type(ScalarType.Float32).abs().max().item<float>();
            Assert.True(difference <= tolerance * magnitude, $"{dtype} {string.Join('×', shape)}: max diff {difference} (max |y| {magnitude})");
        }

        // A non-contiguous input (a transposed view) is handled too.
        var transposed = randn([97, 2], generator: generator).to_type(dtype).t();
        Assert.False(transposed.is_contiguous());
        var result = MatrixVectorLinear.TryApply(transposed, weight, null);
        Assert.NotNull(result);
        Assert.True((result.to_type(ScalarType.Float32) - nn.functional.linear(transposed, weight).to_type(ScalarType.Float32)).abs().max().item<float>()
            <= tolerance * 50);
    }

    [Fact]
    public void DeclinesWhatLibtorchShouldDo()
    {
        using var scope = NewDisposeScope();
        var weight = randn([16, 8]);
        Assert.Null(MatrixVectorLinear.TryApply(randn([MatrixVectorLinear.MaxRows + 1, 8]), weight, null)); // prefill: GEMM
        Assert.Null(MatrixVectorLinear.TryApply(randn([1, 8], ScalarType.BFloat16), weight, null));          // mixed types
        Assert.Null(MatrixVectorLinear.TryApply(randn([1, 8], ScalarType.Float64), randn([16, 8], ScalarType.Float64), null));
        Assert.Null(MatrixVectorLinear.TryApply(randn([1, 8], requires_grad: true), weight, null));          // autograd
        Assert.Null(MatrixVectorLinear.TryApply(randn([1, 8]), weight.t(), null));                            // strided weight
        Assert.Null(MatrixVectorLinear.TryApply(randn([1, 8]), weight, randn([8])));                          // wrong bias
    }
}
