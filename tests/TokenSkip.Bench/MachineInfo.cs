using System.Runtime.InteropServices;
using Torch = TorchSharp.torch;

namespace TokenSkip.Bench;

/// <summary>What the results were measured on.</summary>
internal sealed record MachineInfo
{
    public required string Cpu { get; init; }

    public required int LogicalCores { get; init; }

    public required string CpuFlags { get; init; }

    public required string Os { get; init; }

    public required string DotNet { get; init; }

    public required string TorchSharp { get; init; }

    public required string LLamaSharp { get; init; }

    public required long MemoryBytes { get; init; }

    public required DateTimeOffset Date { get; init; }

    public static MachineInfo Collect()
    {
        var cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        string? Field(string name) => cpuinfo.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var flags = (Field("flags") ?? string.Empty).Split(' ');
        var interesting = flags.Where(f => f is "avx2" or "fma" or "f16c" or "avx512f" or "avx512_bf16" or "avx512_vnni" or "avx512_fp16" or "amx_bf16");
        var osName = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024
            : 0;
        return new MachineInfo
        {
            Cpu = Field("model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            LogicalCores = Environment.ProcessorCount,
            CpuFlags = string.Join(' ', interesting),
            Os = $"{osName ?? RuntimeInformation.OSDescription} (kernel {Environment.OSVersion.Version})",
            DotNet = RuntimeInformation.FrameworkDescription,
            TorchSharp = $"TorchSharp {VersionOf(typeof(Torch))} (libtorch {Torch.__version__})",
            LLamaSharp = $"LLamaSharp {PackageVersion("LLamaSharp")} + LLamaSharp.Backend.Cpu {PackageVersion("LLamaSharp.Backend.Cpu")}",
            MemoryBytes = memory,
            Date = DateTimeOffset.UtcNow,
        };
    }

    // Written into this assembly by the project file (LLamaSharp's own assemblies carry no version).
    private static string PackageVersion(string package) =>
        typeof(MachineInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == package)?.Value is { Length: > 0 } version
            ? version
            : "?";

    private static string VersionOf(Type type) =>
        type.Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? type.Assembly.GetName().Version?.ToString() ?? "?";
}
