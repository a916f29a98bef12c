using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Kernels;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Transformer;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Kernels;

/// <summary>A model decoding through the SIMD kernel gives the logits libtorch gives, within the precision's tolerance.</summary>
public sealed class KernelModelParityTests
{
    [SkippableTheory]
    [InlineData(ScalarType.Float32, true, 1e-5)]
    [InlineData(ScalarType.Float32, false, 1e-5)]
    [InlineData(ScalarType.BFloat16, true, 2e-2)] // a few bfloat16 ulps (2^-8 relative): sums in another order may round the other way
    [InlineData(ScalarType.Float16, false, 5e-3)]
    public void DecodeLogitsMatchTheLibtorchPath(ScalarType dtype, bool tied, double tolerance)
    {
        Skip.IfNot(MatrixVectorProduct.IsAccelerated, "SIMD is not hardware-accelerated here; the kernel is not used");
        var config = TinyModels.Qwen2(tied);
        using var kernel = new CausalLanguageModel(config, new ModelLoadOptions { DType = dtype }).InitializeRandom(3, std: 0.1);
        using var libtorch = new CausalLanguageModel(config, new ModelLoadOptions { DType = dtype, UseCpuKernels = false }).InitializeRandom(3, std: 0.1);
        Assert.True(kernel.UseCpuKernels);
        Assert.False(libtorch.UseCpuKernels);

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int[] prompt = [5, 17, 250, 3, 99, 42, 7];
        using var kernelCache = kernel.CreateCache(2, 32);
        using var libtorchCache = libtorch.CreateCache(2, 32);
        var a = kernel.Prefill(kernelCache, 0, prompt);
        var b = libtorch.Prefill(libtorchCache, 0, prompt);
        AssertClose(a, b, tolerance, "prefill");
        kernel.Prefill(kernelCache, 1, prompt[..4]);
        libtorch.Prefill(libtorchCache, 1, prompt[..4]);
        var next = new[] { 11, 12 };
        for (var step = 0; step < 6; step++)
        {
            // Two rows at different positions: the kernel takes a two-row input with a mask.
            a = kernel.DecodeStep(kernelCache, [0, 1], next);
            b = libtorch.DecodeStep(libtorchCache, [0, 1], next);
            AssertClose(a, b, tolerance, $"decode step {step}");
            next = a.argmax(-1).data<long>().Select(v => (int)v).ToArray();
        }
    }

    [SkippableFact]
    public void GreedyGenerationIsTheSameInFloat32()
    {
        Skip.IfNot(MatrixVectorProduct.IsAccelerated, "SIMD is not hardware-accelerated here; the kernel is not used");
        var config = TinyModels.Qwen2();
        using var kernel = new CausalLanguageModel(config).InitializeRandom(9, std: 0.1);
        using var libtorch = new CausalLanguageModel(config, new ModelLoadOptions { UseCpuKernels = false }).InitializeRandom(9, std: 0.1);
        var options = new GenerationOptions { MaxNewTokens = 24, IgnoreEndOfSequence = true };
        int[] prompt = [1, 2, 3, 4, 5];

        var withKernel = new TextGenerator(kernel).Generate(prompt, options);
        var withLibtorch = new TextGenerator(libtorch).Generate(prompt, options);

        Assert.Equal(withLibtorch.OutputIds, withKernel.OutputIds);
    }

    private static void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        var difference = (actual - expected).abs().max().item<float>();
        var magnitude = expected.abs().max().item<float>();
        Assert.True(difference <= tolerance * magnitude, $"{what}: max |diff| {difference} (max |logit| {magnitude})");
    }
}
