using System.Text.Json.Nodes;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Configuration;
using TokenSkip.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Hosting.Tests;

/// <summary><c>serve --adapter</c> takes the PEFT adapter LLaMA-Factory hands back (PEFT's file layout and key prefixes).</summary>
[Collection(ServerCollection.Name)]
public sealed class ServerAdapterTests(ServedModelFixture model)
{
    private const string Text = "Tom has 5 apples and buys 2 more, so he has 7 apples.";

    // The adapter as PEFT saves it: adapter_config.json, and adapter_model.safetensors with "base_model.model." keys.
    private static void WritePeftAdapter(string folder, TransformerConfig config)
    {
        var tensors = new Dictionary<string, (long[], float[])>();
        for (var layer = 0; layer < config.LayerCount; layer++)
        {
            foreach (var (module, output) in new[] { ("q_proj", config.HeadCount * config.HeadDim), ("v_proj", config.KeyValueHeadCount * config.HeadDim) })
            {
                var key = $"base_model.model.model.layers.{layer}.self_attn.{module}";
                tensors[$"{key}.lora_A.weight"] = ([2, config.HiddenSize], PeftAdapterFolder.Values(2 * config.HiddenSize, (layer * 10) + output));
                tensors[$"{key}.lora_B.weight"] = ([output, 2], PeftAdapterFolder.Values(output * 2, (layer * 10) + output + 1));
            }
        }

        PeftAdapterFolder.Write(folder, PeftAdapterFolder.Config(2, 4, new JsonArray("q_proj", "v_proj")), tensors);
    }

    // log p(ids[i] | ids[..i]) for i >= 1 from one forward pass, with the adapter applied unmerged when given.
    private static double[] Logprobs(string modelFolder, IReadOnlyList<int> ids, string? adapterFolder)
    {
        using var bundle = ModelBundle.Load(modelFolder);
        using var adapter = adapterFolder is null ? null : LoraAdapter.Load(bundle.Model, adapterFolder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = bundle.Model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0].log_softmax(-1);
        return [.. Enumerable.Range(1, ids.Count - 1).Select(i => (double)rows[i - 1, ids[i]].item<float>())];
    }

    [Fact]
    public async Task ThePeftAdapterIsMergedIntoTheServedModel()
    {
        using var folder = new TempFolder();
        TransformerConfig config;
        using (var bundle = ModelBundle.Load(model.Folder))
        {
            config = bundle.Model.Config;
        }

        WritePeftAdapter(folder.Path, config);
        var ids = model.Tokenizer.Encode(Text);
        var adapted = Logprobs(model.Folder, ids, folder.Path);
        var plain = Logprobs(model.Folder, ids, null);
        await using var server = await RunningServer.StartAsync(model.Folder, options => options.Adapter = folder.Path);

        using var response = await server.PostAsync("v1/completions", new JsonObject { ["prompt"] = Text, ["echo"] = true, ["logprobs"] = 0, ["max_tokens"] = 0 });
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["logprobs"]!["token_logprobs"]!.AsArray()
            .Skip(1).Select(v => (double)v!).ToArray();

        Assert.Equal(adapted.Length, served.Length);
        Assert.All(adapted.Zip(served), pair => Assert.Equal(pair.First, pair.Second, 1e-3));
        Assert.Contains(plain.Zip(adapted), pair => Math.Abs(pair.First - pair.Second) > 0.05); // the adapter does change the model
    }
}
