using TokenSkip.Core.Calibration;
using TokenSkip.TestSupport;
using TokenSkip.TestSupport.Models;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// A tiny random Qwen2 model whose card says it calls tools (<c>calls_tools: true</c>), for serving with a scripted
/// output: the server renders, tokenizes, parses and answers for real; only the tokens come from a script.
/// </summary>
public sealed class ToolModelFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public ToolModelFixture()
    {
        Folder = TinyQwen.Write(_temp.Combine("tool-model"), maxPositions: 4096);
        new ModelCard { CallsTools = true }.Save(Folder);
    }

    /// <summary>The model folder.</summary>
    public string Folder { get; }

    /// <summary>The id the server serves it under.</summary>
    public string ModelId => Path.GetFileName(Folder);

    public void Dispose() => _temp.Dispose();
}
