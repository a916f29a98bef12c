using TokenSkip.Models.Kernels;
using TokenSkip.Models.Transformer;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

/// <summary>The fused decode kernels against the libtorch ops they replace, on odd sizes.</summary>
public sealed class RmsNormAndRotaryKernelTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 2e-6)]
    [InlineData(ScalarType.BFloat16, 8e-3)] // the f32 mean may differ in its last bit, flipping a rounding (2^-8)
    [InlineData(ScalarType.Float16, 1e-3)]
    public void RmsNormMatchesLibtorch(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(21);
        foreach (var shape in new long[][] { [77], [1, 1, 77], [3, 77], [2, 2, 77] })
        {
            var weight = (rand([77], generator: generator) + 0.5).to_type(dtype);
            var input = (randn(shape, generator: generator) * 3).to_type(dtype);

            var fast = RmsNormKernel.TryApply(input, weight, 1e-6);
            var reference = LibtorchRmsNorm(input, weight, 1e-6);

            Assert.NotNull(fast);
            Assert.Equal(reference.shape, fast.shape);
            Assert.Equal(dtype, fast.dtype);
            var difference = (fast.to_type(ScalarType.Float32) - reference.to_type(ScalarType.Float32)).abs().max().item<float>();
            Assert.True(difference <= tolerance * reference.to_type(ScalarType.Float32).abs().max().item<float>(), $"{dtype} {string.Join('×', shape)}: {difference}");
        }

        Assert.Null(RmsNormKernel.TryApply(randn([MatrixVectorLinear.MaxRows + 1, 77]).to_type(dtype), ones(77, dtype), 1e-6));
    }

    // RmsNorm.Forward's libtorch path (Hugging Face's arithmetic).
    private static Tensor LibtorchRmsNorm(Tensor x, Tensor weight, double epsilon)
    {
        var input = x.to_type(ScalarType.Float32);
        var normed = input * rsqrt(input.pow(2).mean([-1], keepdim: true) + epsilon);
        return weight * normed.to_type(x.dtype);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void RotaryIsBitExactWithLibtorch(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(8);
        foreach (var (batch, tableRows) in new[] { (1, 1), (3, 1), (3, 3) })
        {
            // q as the attention layer makes it: [B, 1, heads·d] → view → transpose to [B, heads, 1, d].
            var q = randn([batch, 1, 7 * 18], generator: generator).to_type(dtype).view(batch, 1, 7, 18).transpose(1, 2);
            var angles = rand([tableRows, 1, 1, 18], generator: generator) * 6;
            var cos = angles.cos().to_type(dtype);
            var sin = angles.sin().to_type(dtype);

            var fast = RotaryKernel.TryApply(q, cos, sin);
            var reference = RotaryEmbedding.Apply(q, cos, sin);

            Assert.NotNull(fast);
            Assert.Equal(reference.shape, fast.shape);
            var difference = (fast.to_type(ScalarType.Float32) - reference.to_type(ScalarType.Float32)).abs().max().item<float>();
            Assert.True(difference == 0, $"{dtype} batch {batch}, {tableRows} table rows: max diff {difference}");
        }

        Assert.Null(RotaryKernel.TryApply(randn([1, 7, 5, 18]).to_type(dtype), ones([1, 1, 5, 18], dtype), ones([1, 1, 5, 18], dtype))); // prefill
    }
}
