using TorchSharp;

namespace TokenSkip.Models.Runtime;

/// <summary>Where a model runs: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
public sealed record ComputeDevice
{
    private ComputeDevice(DeviceType type, int index)
    {
        Type = type;
        Index = index;
    }

    /// <summary>The CPU.</summary>
    public static ComputeDevice Cpu { get; } = new(DeviceType.CPU, -1);

    /// <summary>The device kind.</summary>
    public DeviceType Type { get; }

    /// <summary>The CUDA device index (0 for plain "cuda"); -1 for the CPU.</summary>
    public int Index { get; }

    /// <summary>True for a CUDA device.</summary>
    public bool IsCuda => Type == DeviceType.CUDA;

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    /// <exception cref="ArgumentException">The text is none of these.</exception>
    public static ComputeDevice Parse(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value == "cpu")
        {
            return Cpu;
        }

        if (value == "cuda")
        {
            return new ComputeDevice(DeviceType.CUDA, 0);
        }

        if (value.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(value[5..], out var index) && index >= 0)
        {
            return new ComputeDevice(DeviceType.CUDA, index);
        }

        throw new ArgumentException($"device '{text}' is not one of cpu, cuda, cuda:N", nameof(text));
    }

    /// <summary>
    /// The TorchSharp device, after checking that it exists. CUDA needs the CUDA build of libtorch: reference the
    /// <c>TorchSharp-cuda-linux</c> (or <c>-windows</c>) package in your application instead of <c>TorchSharp-cpu</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">CUDA was asked for but is not available.</exception>
    public torch.Device ToTorch()
    {
        if (!IsCuda)
        {
            return torch.CPU;
        }

        if (!torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                $"device '{this}' requested but CUDA is not available: the application references the CPU build of libtorch " +
                "(TorchSharp-cpu) or no CUDA driver was found. Reference TorchSharp-cuda-linux / TorchSharp-cuda-windows instead.");
        }

        var count = torch.cuda.device_count();
        if (Index >= count)
        {
            throw new InvalidOperationException($"device '{this}' requested but only {count} CUDA device(s) exist");
        }

        return torch.device(DeviceType.CUDA, Index);
    }

    /// <inheritdoc />
    public override string ToString() => IsCuda ? $"cuda:{Index}" : "cpu";
}
