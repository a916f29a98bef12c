using Microsoft.Extensions.Options;
using TokenSkip.Hosting;
using TokenSkip.Hosting.Worker;
using TokenSkip.Models;
using TokenSkip.Models.Export;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Transformer;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Hosting.Tests;

public sealed class FolderModelLoaderTests
{
    [SkippableFact]
    public void TheServerQuantizesAtLoadAndTakesGgufFiles()
    {
        var folder = DefaultModel.Find();
        Skip.If(folder is null, "the embedded model is not built");
        using var temp = new TempFolder();
        var gguf = temp.Combine("model.gguf");
        using (var model = CausalLanguageModel.Load(folder!))
        {
            GgufModelExport.Write(model, gguf, GgufTensorType.Q4_0, folder);
        }

        using (var quantized = new FolderModelLoader(Options.Create(new TokenSkipServerOptions { Model = folder, Quantize = "q8_0" })).Load(CancellationToken.None))
        {
            Assert.Equal(QuantizationType.Q8_0, quantized.Model.Quantization);
        }

        using var fromFile = new FolderModelLoader(Options.Create(new TokenSkipServerOptions { Model = gguf })).Load(CancellationToken.None);
        Assert.Equal("model", fromFile.ModelId);
        Assert.True(fromFile.Model.HasQuantizedWeights);
        Assert.Throws<ArgumentException>(() => new FolderModelLoader(Options.Create(new TokenSkipServerOptions { Model = folder, Quantize = "q2" })).Load(CancellationToken.None));
    }
}
