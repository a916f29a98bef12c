using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Encoders;
using TokenSkip.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Encoders;

public sealed class TokenClassificationModelTests
{
    private static readonly string ParityFile =
        Path.Combine(SharedAssets.RepositoryRoot, "tests", "TokenSkip.Models.Tests", "Assets", "EncoderParity", "expected.json");

    [Theory]
    [InlineData("xlm-roberta")]
    [InlineData("bert")]
    public void LogitsMatchAnIndependentNumpyPortOfHuggingFace(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ParityFile));
        var fixture = document.RootElement.GetProperty(name);
        var c = fixture.GetProperty("config");
        var config = new EncoderConfig
        {
            Architecture = name == "bert" ? EncoderArchitecture.Bert : EncoderArchitecture.XlmRoberta,
            VocabularySize = c.GetProperty("vocab").GetInt32(),
            HiddenSize = c.GetProperty("hidden").GetInt32(),
            LayerCount = c.GetProperty("layers").GetInt32(),
            HeadCount = c.GetProperty("heads").GetInt32(),
            IntermediateSize = c.GetProperty("intermediate").GetInt32(),
            MaxPositions = c.GetProperty("max_pos").GetInt32(),
            TypeVocabularySize = c.GetProperty("type_vocab").GetInt32(),
            LayerNormEpsilon = c.GetProperty("eps").GetDouble(),
            PadTokenId = c.GetProperty("pad").GetInt32(),
            LabelCount = c.GetProperty("labels").GetInt32(),
        };
        using var folder = new TempFolder();
        using (var written = new TokenClassificationModel(config))
        {
            FillWithReferenceFormula(written);
            written.Save(folder.Path);
        }

        using var model = TokenClassificationModel.Load(folder.Path);
        var sequences = fixture.GetProperty("sequences").EnumerateArray().Select(s => s.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        var width = sequences.Max(s => s.Length);
        var ids = sequences.SelectMany(s => s.Concat(Enumerable.Repeat(config.PadTokenId, width - s.Length))).Select(i => (long)i).ToArray();
        var mask = sequences.SelectMany(s => Enumerable.Repeat(1L, s.Length).Concat(Enumerable.Repeat(0L, width - s.Length))).ToArray();
        using var logits = model.Forward(tensor(ids, [sequences.Length, width]), tensor(mask, [sequences.Length, width]));

        var expected = fixture.GetProperty("logits").EnumerateArray().ToArray();
        var maxDifference = 0.0;
        for (var b = 0; b < sequences.Length; b++)
        {
            var rows = expected[b].EnumerateArray().ToArray();
            for (var t = 0; t < sequences[b].Length; t++)
            {
                var labels = rows[t].EnumerateArray().ToArray();
                for (var l = 0; l < labels.Length; l++)
                {
                    maxDifference = Math.Max(maxDifference, Math.Abs(labels[l].GetDouble() - logits[b, t, l].item<float>()));
                }
            }
        }

        Assert.True(maxDifference < 1e-4, $"max |logit difference| {maxDifference}");
    }

    [Fact]
    public void XlmRobertaPositionIdsStartAtTwoAndPaddingSitsAtOne()
    {
        var config = TinyEncoders.Config(EncoderArchitecture.XlmRoberta, 98);
        using var ids = tensor(new long[] { 0, 7, 9, 2, 1, 1, 0, 5, 6, 8, 9, 2 }, [2, 6]);

        using var positions = EncoderEmbeddings.PositionIds(ids, config);

        Assert.Equal([2L, 3, 4, 5, 1, 1, 2, 3, 4, 5, 6, 7], positions.data<long>().ToArray());
    }

    [Fact]
    public void BertPositionIdsStartAtZero()
    {
        var config = TinyEncoders.Config(EncoderArchitecture.Bert, 20);
        using var ids = tensor(new long[] { 2, 7, 3, 0 }, [1, 4]);

        using var positions = EncoderEmbeddings.PositionIds(ids, config);

        Assert.Equal([0L, 1, 2, 3], positions.data<long>().ToArray());
    }

    [Theory]
    [InlineData(EncoderArchitecture.XlmRoberta, 0, false)]
    [InlineData(EncoderArchitecture.XlmRoberta, 1, false)]
    [InlineData(EncoderArchitecture.XlmRoberta, 2, true)]
    [InlineData(EncoderArchitecture.Bert, 0, true)]
    public void OnlyThePositionRowsInUseAffectTheOutput(EncoderArchitecture architecture, int row, bool matters)
    {
        using var model = new TokenClassificationModel(TinyEncoders.Config(architecture, 40)).InitializeRandom(3, std: 0.5);
        int[] sequence = [2, 7, 9, 11, 3];
        var before = model.KeepProbabilities([sequence])[0];

        using (no_grad())
        {
            var table = model.named_parameters().Single(p => p.name.EndsWith("position_embeddings.weight", StringComparison.Ordinal)).parameter;
            // A constant shift would vanish in the layer norm; shift by a varying vector.
            using var shift = arange(table.shape[1], ScalarType.Float32) * 0.7;
            table[row].add_(shift);
        }

        var after = model.KeepProbabilities([sequence])[0];
        Assert.Equal(matters, before.Zip(after).Any(p => Math.Abs(p.First - p.Second) > 1e-4));
    }

    [Fact]
    public void PaddingInABatchDoesNotChangeProbabilities()
    {
        using var model = new TokenClassificationModel(TinyEncoders.Config(EncoderArchitecture.XlmRoberta, 40)).InitializeRandom(5, std: 0.5);
        int[] shortSequence = [0, 7, 2];
        int[] longSequence = [0, 9, 11, 13, 17, 19, 2];

        var alone = model.KeepProbabilities([shortSequence])[0];
        var batched = model.KeepProbabilities([longSequence, shortSequence]);

        Assert.Equal(3, batched[1].Length);
        Assert.Equal(7, batched[0].Length);
        Assert.All(alone.Zip(batched[1]), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-5));
        Assert.All(batched.SelectMany(x => x), p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Bfloat16WeightsGiveCloseProbabilitiesWithoutLeakingTensors()
    {
        using var folder = new TempFolder();
        var path = TinyEncoders.WriteXlmRoberta(folder);
        using var full = TokenClassificationModel.Load(path);
        using var half = TokenClassificationModel.Load(path, new Runtime.ModelLoadOptions { DType = ScalarType.BFloat16 });
        int[] sequence = [0, 7, 9, 11, 13, 2];
        full.KeepProbabilities([sequence]);

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var exact = full.KeepProbabilities([sequence, sequence[..3]])[0];
        var approximate = half.KeepProbabilities([sequence])[0];

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.All(exact.Zip(approximate), p => Assert.True(Math.Abs(p.First - p.Second) < 0.05, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void CheckpointProblemsNameTheTensor()
    {
        using var folder = new TempFolder();
        var path = TinyEncoders.WriteXlmRoberta(folder);
        using (var full = new TokenClassificationModel(EncoderConfig.Load(path)))
        {
            var tensors = full.named_parameters().Where(p => p.name != "classifier.bias").Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter));
            SafeTensorsWriter.Write(Path.Combine(path, CheckpointWeights.SingleFileName), tensors);
        }

        var error = Assert.Throws<ModelFormatException>(() => TokenClassificationModel.Load(path));

        Assert.Contains("missing tensor 'classifier.bias'", error.Message);
    }

    [Theory]
    [InlineData("hidden_act", "\"relu\"", "hidden_act 'relu' is not supported")]
    [InlineData("architectures", "[\"RobertaForMaskedLM\"]", "architectures: 'RobertaForMaskedLM' is not supported")]
    [InlineData("position_embedding_type", "\"relative_key\"", "position_embedding_type 'relative_key'")]
    [InlineData("id2label", "{\"0\": \"drop\"}", "needs at least 2")]
    [InlineData("hidden_size", "\"wide\"", "hidden_size must be an integer")]
    public void ConfigProblemsNameTheField(string field, string value, string message)
    {
        using var folder = new TempFolder();
        var path = TinyEncoders.WriteXlmRoberta(folder);
        var file = Path.Combine(path, EncoderConfig.FileName);
        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        json[field] = JsonNode.Parse(value);
        File.WriteAllText(file, json.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => EncoderConfig.Load(path));

        Assert.Contains(message, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    private static void FillWithReferenceFormula(TokenClassificationModel model)
    {
        using var noGrad = no_grad();
        var ordered = model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal).ToArray();
        for (var k = 0; k < ordered.Length; k++)
        {
            var (name, parameter) = ordered[k];
            var values = new float[parameter.numel()];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = name.EndsWith("LayerNorm.weight", StringComparison.Ordinal) ? (float)(1 + (0.1 * Math.Sin((0.37 * i) + (0.11 * k))))
                    : name.EndsWith(".bias", StringComparison.Ordinal) ? (float)(0.05 * Math.Sin((0.53 * i) + (0.17 * k)))
                    : (float)(0.3 * Math.Sin((0.29 * i) + (0.13 * k) + 0.5));
            }

            using var source = tensor(values, parameter.shape);
            parameter.copy_(source);
        }
    }
}
