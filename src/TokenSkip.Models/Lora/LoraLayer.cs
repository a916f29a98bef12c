using TokenSkip.Models.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Lora;

/// <summary>
/// One LoRA update on a <see cref="Projection"/>, as PEFT's <c>lora.Linear</c> computes it:
/// <c>y = W x + b + scaling · B(A(dropout(x)))</c> with A [r, in] (<c>lora_A.weight</c>), B [out, r]
/// (<c>lora_B.weight</c>) and scaling α/r (α/√r with rsLoRA). Merging adds <c>scaling · B·A</c> to W. The factors are
/// float32 (the branch runs in float32 and its result is cast to the base output's dtype).
/// </summary>
public sealed class LoraLayer : IDisposable
{
    private readonly LoraAdapter _owner;

    internal LoraLayer(LoraAdapter owner, string moduleName, Projection target, int rank, double alpha, bool useRslora, double dropout)
    {
        _owner = owner;
        ModuleName = moduleName;
        Target = target;
        Rank = rank;
        Alpha = alpha;
        Scaling = useRslora ? alpha / Math.Sqrt(rank) : alpha / rank;
        Dropout = dropout;
        // Float32 whatever the base dtype, as PEFT's autocast_adapter_dtype does: bf16/fp16 factors train poorly.
        var device = target.Weight.device;
        A = new Parameter(zeros([rank, target.InFeatures], ScalarType.Float32, device), requires_grad: false);
        B = new Parameter(zeros([target.OutFeatures, rank], ScalarType.Float32, device), requires_grad: false);
    }

    /// <summary>The adapted module's name in the model, e.g. <c>model.layers.0.self_attn.q_proj</c>.</summary>
    public string ModuleName { get; }

    /// <summary>The rank r.</summary>
    public int Rank { get; }

    /// <summary>lora_alpha for this module.</summary>
    public double Alpha { get; }

    /// <summary>The factor applied to B·A: α/r, or α/√r with rsLoRA.</summary>
    public double Scaling { get; }

    /// <summary>Dropout probability on the LoRA branch's input (training only).</summary>
    public double Dropout { get; }

    /// <summary><c>lora_A.weight</c>, shape [r, in].</summary>
    public Parameter A { get; }

    /// <summary><c>lora_B.weight</c>, shape [out, r].</summary>
    public Parameter B { get; }

    /// <summary>True while the update is folded into the projection's weight.</summary>
    public bool IsMerged { get; private set; }

    internal Projection Target { get; }

    /// <summary>The update as a dense matrix, <c>scaling · B·A</c> [out, in], computed in float32.</summary>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        // PEFT also computes the delta in float32 on CPU for half-precision weights.
        var delta = B.mm(A).mul_(Scaling);
        return delta.MoveToOuterDisposeScope();
    }

    /// <summary>Initialises A Kaiming-uniform (a = √5, i.e. U(±1/√in)) from <paramref name="generator"/> and B with zeros, as PEFT does.</summary>
    internal void Reset(Generator generator)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var bound = 1.0 / Math.Sqrt(A.shape[1]);
        var values = rand(A.shape, ScalarType.Float32, generator: generator).mul_(2 * bound).sub_(bound);
        A.copy_(values);
        B.zero_();
    }

    /// <summary>Adds the LoRA term to <paramref name="output"/> (the base projection of <paramref name="x"/>), unless merged.</summary>
    internal Tensor AddTo(Tensor output, Tensor x)
    {
        if (IsMerged)
        {
            return output;
        }

        // As PEFT under autocast: the float32 adapter weights are cast to the activations' type, so a bfloat16 model
        // runs its LoRA products at bfloat16 GEMM speed (several times float32's on CPUs with AVX-512 BF16), and the
        // gradients still reach the float32 weights through the cast.
        var a = A.dtype == x.dtype ? A : A.to_type(x.dtype);
        var b = B.dtype == x.dtype ? B : B.to_type(x.dtype);
        var input = Dropout > 0 && _owner.IsTraining ? ApplyDropout(x) : x;
        var update = nn.functional.linear(nn.functional.linear(input, a), b).mul(Scaling);
        return output.add(update.dtype == output.dtype ? update : update.to_type(output.dtype));
    }

    /// <summary>W += scaling · B·A.</summary>
    /// <exception cref="NotSupportedException">The target's weight is quantized (there is no float weight to fold into).</exception>
    internal void Merge()
    {
        if (IsMerged)
        {
            return;
        }

        if (Target.IsQuantized)
        {
            throw new NotSupportedException($"{ModuleName}: a LoRA update cannot be merged into a quantized weight; attach it unmerged");
        }

        Shift(sign: 1);
        IsMerged = true;
    }

    /// <summary>W -= scaling · B·A.</summary>
    internal void Unmerge()
    {
        if (!IsMerged)
        {
            return;
        }

        Shift(sign: -1);
        IsMerged = false;
    }

    private void Shift(int sign)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var weight = Target.Weight;
        var delta = DeltaWeight();
        if (weight.dtype == ScalarType.Float32)
        {
            weight.add_(delta, alpha: sign);
        }
        else
        {
            weight.copy_(weight.to_type(ScalarType.Float32).add_(delta, alpha: sign));
        }
    }

    // Inverted dropout with the adapter's own generator, so runs are reproducible and independent of torch's global RNG.
    private Tensor ApplyDropout(Tensor x)
    {
        var keep = 1.0 - Dropout;
        var mask = rand(x.shape, x.dtype, x.device, generator: _owner.DropoutGenerator).lt_(keep).to_type(x.dtype);
        return x.mul(mask).div_(keep);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
