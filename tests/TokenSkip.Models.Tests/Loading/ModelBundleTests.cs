using System.Text.Json.Nodes;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Tests.Lora;
using TokenSkip.Models.Tests.Tokenization;
using TokenSkip.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Loading;

/// <summary>The one loader: model, tokenizer, family, card and adapter from a folder, with one set of errors.</summary>
public sealed class ModelBundleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void LoadsTheModelTokenizerFamilyCardAndId()
    {
        var path = ModelFolder(ModelArchitecture.Llama);
        new ModelCard { Description = "tiny" }.Save(path);

        using var bundle = ModelBundle.Load(path);

        Assert.Equal(ModelFamily.Llama3, bundle.Family);
        Assert.Equal("model", bundle.ModelId);
        Assert.Equal(Path.GetFullPath(path), bundle.Folder);
        Assert.Equal("tiny", bundle.Card!.Description);
        Assert.True(bundle.HasTokenizer);
        Assert.Equal([TinyTokenizerJson.EndOfTurn], bundle.EndOfTurnTokenIds);
        Assert.Equal(Path.GetFullPath(path), bundle.Model.SourceFolder);
        var info = bundle.InfoFor(64);
        Assert.Equal(("model", ModelFamily.Llama3, 64), (info.ModelId, info.Family, info.ContextLength));
        Assert.Same(bundle.Card, info.Card);
        Assert.Equal(bundle.EndOfTurnTokenIds, info.EndOfTurnTokenIds);
    }

    [Fact]
    public void TheFamilyFollowsTheArchitectureAndTheIdCanBeGiven()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2);

        using var bundle = ModelBundle.Load(path, new ModelBundleOptions { ModelId = "served-name" });

        Assert.Equal(ModelFamily.Qwen2, bundle.Family);
        Assert.Equal("served-name", bundle.ModelId);
        Assert.Null(bundle.Card);
    }

    [Fact]
    public void AnUnknownArchitectureIsRefusedNamingTheFileAndField()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(path, "config.json")))!.AsObject();
        config["architectures"] = new JsonArray("MistralForCausalLM");
        config["model_type"] = "mistral";
        File.WriteAllText(Path.Combine(path, "config.json"), config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path));

        Assert.Equal(Path.Combine(Path.GetFullPath(path), "config.json"), error.FilePath);
        Assert.Contains("config.json", error.Message);
        Assert.Contains("architecture 'MistralForCausalLM'", error.Message);
    }

    [Fact]
    public void AMissingTokenizerIsRefusedNamingTheFileUnlessIdsAreEnough()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2, tokenizer: false);

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path));
        using var idsOnly = ModelBundle.Load(path, new ModelBundleOptions { RequireTokenizer = false });

        Assert.Equal(Path.Combine(Path.GetFullPath(path), "tokenizer.json"), error.FilePath);
        Assert.Contains("tokenizer.json: not found (nor vocab.json)", error.Message);
        Assert.False(idsOnly.HasTokenizer);
        Assert.Empty(idsOnly.EndOfTurnTokenIds);
        Assert.Equal(error.Message, Assert.Throws<ModelFormatException>(() => idsOnly.Tokenizer).Message);
        Assert.Equal(error.Message, Assert.Throws<ModelFormatException>(() => ModelBundle.LoadTokenizer(path)).Message);
    }

    [Fact]
    public void ABadTokenizerIsReportedWithItsFileAndField()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2, tokenizer: false);
        var json = TinyTokenizerJson.Create();
        json["model"]!.AsObject().Remove("vocab");
        File.WriteAllText(Path.Combine(path, "tokenizer.json"), json.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path));

        Assert.Equal(Path.Combine(Path.GetFullPath(path), "tokenizer.json"), error.FilePath);
        Assert.StartsWith(error.FilePath + ": model.vocab is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadCardIsReportedWithItsFileAndField()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2);
        File.WriteAllText(Path.Combine(path, ModelCard.FileName), """{"calibration": [{"gamma": "high"}]}""");

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path));

        Assert.Equal(Path.Combine(Path.GetFullPath(path), ModelCard.FileName), error.FilePath);
        Assert.StartsWith(error.FilePath + ": invalid model card", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.calibration[0].gamma", error.Message);
    }

    [Fact]
    public void AMissingFolderIsRefused()
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(_folder.Combine("absent")));

        Assert.Contains("model folder not found", error.Message);
    }

    [Fact]
    public void AnAdapterIsMergedOrAttachedWithTheSameOutputsAndItsCardWins()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2);
        new ModelCard { Description = "base" }.Save(path);
        var adapterFolder = _folder.Combine("adapter");
        using (var model = TinyModels.Create())
        using (var adapter = LoraAdapter.Create(model, new LoraConfig { Rank = 4, Alpha = 8 }, seed: 7))
        {
            using (no_grad())
            {
                var generator = new Generator(3);
                foreach (var (_, parameter) in adapter.NamedTensors())
                {
                    parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
                }
            }

            adapter.Save(adapterFolder);
        }

        new ModelCard { Description = "adapter" }.Save(adapterFolder);

        using var plain = ModelBundle.Load(path);
        using var merged = ModelBundle.Load(path, new ModelBundleOptions { AdapterFolder = adapterFolder });
        using var attached = ModelBundle.Load(path, new ModelBundleOptions { AdapterFolder = adapterFolder, Adapter = AdapterMode.Attach });

        Assert.Null(merged.Adapter);
        Assert.NotNull(attached.Adapter);
        Assert.False(attached.Adapter!.IsMerged);
        Assert.Equal("adapter", merged.Card!.Description);
        Assert.Equal("adapter", attached.Card!.Description);
        var (basic, fromMerged, fromAttached) = (LoraAdapterTests.Logits(plain.Model), LoraAdapterTests.Logits(merged.Model), LoraAdapterTests.Logits(attached.Model));
        Assert.True(LoraAdapterTests.MaxDifference(fromMerged, fromAttached) < 1e-4);
        Assert.True(LoraAdapterTests.MaxDifference(basic, fromMerged) > 1e-3);

        // TokenSkip's released adapters carry no card: such an adapter still makes the model TokenSkip-trained.
        File.Delete(Path.Combine(adapterFolder, ModelCard.FileName));
        File.Delete(Path.Combine(path, ModelCard.FileName));
        using var released = ModelBundle.Load(path, new ModelBundleOptions { AdapterFolder = adapterFolder });
        using var bare = ModelBundle.Load(path);
        Assert.Contains("default card", released.Card!.Description);
        Assert.Null(bare.Card);
    }

    [Fact]
    public void ABadAdapterReleasesTheModelAndSaysWhy()
    {
        var path = ModelFolder(ModelArchitecture.Qwen2);

        var error = Assert.Throws<ModelFormatException>(() => ModelBundle.Load(path, new ModelBundleOptions { AdapterFolder = _folder.Combine("none") }));

        Assert.Contains("adapter folder not found", error.Message);
    }

    // A tiny random model of TinyModels' shape with the tiny Llama-3-style tokenizer (ids beyond the model's vocabulary
    // are fine: nothing here generates).
    private string ModelFolder(ModelArchitecture architecture, bool tokenizer = true)
    {
        var path = TinyModels.Write(_folder, TinyModels.Config(architecture));
        if (tokenizer)
        {
            File.WriteAllText(Path.Combine(path, "tokenizer.json"), TinyTokenizerJson.Create().ToJsonString());
        }

        return path;
    }
}
