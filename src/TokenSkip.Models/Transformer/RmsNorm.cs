using TokenSkip.Models.Kernels;
using TokenSkip.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Transformer;

/// <summary>Root-mean-square layer norm, computed in float32 and cast back before the weight, as Hugging Face does.</summary>
public sealed class RmsNorm : NamedModule
{
    private readonly double _epsilon;
    private readonly Scalar _epsilonScalar;

    /// <summary>Creates the norm with an uninitialised weight of <paramref name="size"/> elements.</summary>
    public RmsNorm(int size, double epsilon, ScalarType dtype, Device device) : base(nameof(RmsNorm))
    {
        _epsilon = epsilon;
        _epsilonScalar = epsilon.ToScalar(); // rooted by the module: see Scalars
        Weight = new Parameter(ones(size, dtype, device), requires_grad: false);
        register_parameter("weight", Weight);
    }

    /// <summary>The learned scale.</summary>
    public Parameter Weight { get; }

    /// <summary>Whether a CPU input of a few rows goes through <see cref="RmsNormKernel"/> (<see cref="ModelLoadOptions.UseCpuKernels"/>).</summary>
    public bool UseCpuKernels { get; internal set; } = true;

    /// <summary>Normalises the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        if (UseCpuKernels && RmsNormKernel.TryApply(x, Weight, _epsilon) is { } fast)
        {
            return fast;
        }

        using var scope = NewDisposeScope();
        var input = x.dtype == ScalarType.Float32 ? x : x.to_type(ScalarType.Float32);
        var variance = input.pow(2).mean([-1], keepdim: true);
        var normed = input * rsqrt(variance.add(_epsilonScalar, Scalars.One));
        return (Weight * normed.to_type(x.dtype)).MoveToOuterDisposeScope();
    }
}
