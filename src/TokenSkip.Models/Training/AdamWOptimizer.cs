using TokenSkip.Models.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Training;

/// <summary>
/// AdamWOptimizer with PyTorch's arithmetic (decoupled weight decay, bias-corrected moments, ε added after the square root),
/// over named parameters, with state that saves to and loads from safetensors so a resumed run continues exactly.
/// </summary>
/// <remarks>
/// Mixed precision: for a parameter stored in a 16-bit type (a model loaded in bfloat16, whose matrix products are
/// several times faster on CPUs with AVX-512 BF16), the optimizer keeps a float32 master copy and float32 moments,
/// updates the master from the float32-cast gradient, and writes it back rounded. Small updates therefore accumulate
/// instead of vanishing below bfloat16's resolution.
/// </remarks>
public sealed class AdamWOptimizer : IDisposable
{
    private readonly IReadOnlyList<KeyValuePair<string, Parameter>> _parameters;
    private readonly Tensor?[] _master;
    private readonly Tensor[] _exponentialAverage;
    private readonly Tensor[] _exponentialAverageSquared;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;

    /// <summary>Creates the optimizer with zero moments.</summary>
    public AdamWOptimizer(IReadOnlyList<KeyValuePair<string, Parameter>> parameters, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
    {
        _parameters = parameters;
        (_beta1, _beta2, _epsilon, _weightDecay) = (beta1, beta2, epsilon, weightDecay);
        _master = parameters.Select(p => p.Value.dtype == ScalarType.Float32 ? null : p.Value.detach().to_type(ScalarType.Float32).DetachFromDisposeScope()).ToArray();
        _exponentialAverage = parameters.Select(p => zeros_like(p.Value, ScalarType.Float32).DetachFromDisposeScope()).ToArray();
        _exponentialAverageSquared = parameters.Select(p => zeros_like(p.Value, ScalarType.Float32).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Updates taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one update with <paramref name="learningRate"/> from the parameters' gradients (parameters without one are skipped).</summary>
    public void Step(double learningRate)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        StepCount++;
        var correction1 = 1 - Math.Pow(_beta1, StepCount);
        var correction2Root = Math.Sqrt(1 - Math.Pow(_beta2, StepCount));
        for (var i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i].Value;
            if (parameter.grad is not { } raw)
            {
                continue;
            }

            var weights = _master[i] ?? parameter;
            var gradient = raw.dtype == ScalarType.Float32 ? raw : raw.to_type(ScalarType.Float32);
            if (_weightDecay != 0)
            {
                weights.mul_(1 - learningRate * _weightDecay);
            }

            var average = _exponentialAverage[i];
            var averageSquared = _exponentialAverageSquared[i];
            average.lerp_(gradient, 1 - _beta1);
            averageSquared.mul_(_beta2).addcmul_(gradient, gradient, 1 - _beta2);
            var denominator = averageSquared.sqrt().div_(correction2Root).add_(_epsilon);
            weights.addcdiv_(average, denominator, -learningRate / correction1);
            if (_master[i] is { } master)
            {
                parameter.copy_(master);
            }
        }
    }

    /// <summary>Drops every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, parameter) in _parameters)
        {
            parameter.grad = null;
        }
    }

    /// <summary>Writes the moments to <paramref name="path"/> (safetensors, atomically; keys <c>{name}.exp_avg</c>, <c>{name}.exp_avg_sq</c>).</summary>
    public void Save(string path)
    {
        var tensors = _parameters.SelectMany((p, i) => new[]
        {
            new KeyValuePair<string, Tensor>(p.Key + ".exp_avg", _exponentialAverage[i]),
            new KeyValuePair<string, Tensor>(p.Key + ".exp_avg_sq", _exponentialAverageSquared[i]),
        }.Concat(_master[i] is { } master ? [new KeyValuePair<string, Tensor>(p.Key + ".master", master)] : []));
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["step"] = StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Loads moments written by <see cref="Save"/> and sets the step count.</summary>
    /// <exception cref="ModelFormatException">A moment is missing or misshapen.</exception>
    public void Load(string path, long stepCount)
    {
        var file = SafeTensorsFile.Open(path);
        for (var i = 0; i < _parameters.Count; i++)
        {
            file.CopyTo(_parameters[i].Key + ".exp_avg", _exponentialAverage[i]);
            file.CopyTo(_parameters[i].Key + ".exp_avg_sq", _exponentialAverageSquared[i]);
            if (_master[i] is { } master)
            {
                file.CopyTo(_parameters[i].Key + ".master", master);
            }
        }

        StepCount = stepCount;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _exponentialAverage.Concat(_exponentialAverageSquared).Concat(_master.OfType<Tensor>()))
        {
            tensor.Dispose();
        }
    }
}
