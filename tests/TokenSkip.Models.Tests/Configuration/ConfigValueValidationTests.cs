using System.Text.Json.Nodes;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Encoders;
using TokenSkip.Models.Tests.Encoders;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Configuration;

/// <summary>
/// config.json values that cannot be right are refused when the file is read, naming the file and the field, instead of
/// loading a model that generates garbage (a zero epsilon or RoPE base) or failing later with an unrelated exception.
/// </summary>
public sealed class ConfigValueValidationTests
{
    [Theory]
    [InlineData("architectures", "5", "architectures must be a list of strings; got 5")]
    [InlineData("architectures", "\"Qwen2ForCausalLM\"", "architectures must be a list of strings")]
    [InlineData("architectures", "[\"Qwen2ForCausalLM\", 7]", "architectures must be a list of strings")]
    [InlineData("max_position_embeddings", "0", "max_position_embeddings must be positive; got 0")]
    [InlineData("max_position_embeddings", "-4", "max_position_embeddings must be positive; got -4")]
    [InlineData("rms_norm_eps", "0", "rms_norm_eps must be a positive number; got 0")]
    [InlineData("rms_norm_eps", "-1e-6", "rms_norm_eps must be a positive number")]
    [InlineData("rms_norm_eps", "1e999", "rms_norm_eps must be a finite number; got 1e999")]
    [InlineData("rope_theta", "0", "rope_theta must be a positive number; got 0")]
    [InlineData("rope_theta", "-10000", "rope_theta must be a positive number")]
    [InlineData("rope_theta", "\"10000\"", "rope_theta must be a finite number; got \"10000\"")]
    [InlineData("model_type", "2", "model_type must be a string; got 2")]
    [InlineData("eos_token_id", "1.5", "eos_token_id must be an integer or a list of integers")]
    public void ADecoderConfigValueThatCannotBeRightIsRefusedByName(string field, string json, string expected)
    {
        using var folder = new TempFolder();
        var config = JsonNode.Parse(TinyModels.Config().ToJson())!.AsObject();
        config[field] = JsonNode.Parse(json);
        File.WriteAllText(folder.Combine("config.json"), config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => TransformerConfig.Load(folder.Path));

        Assert.Equal(folder.Combine("config.json"), error.FilePath);
        Assert.StartsWith(folder.Combine("config.json") + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("architectures", "null")]
    [InlineData("max_position_embeddings", "null")]
    [InlineData("rope_theta", "1000000")]
    [InlineData("rms_norm_eps", "1e-5")]
    public void NullsAndOrdinaryValuesStillLoad(string field, string json)
    {
        using var folder = new TempFolder();
        var config = JsonNode.Parse(TinyModels.Config().ToJson())!.AsObject();
        config[field] = JsonNode.Parse(json);
        File.WriteAllText(folder.Combine("config.json"), config.ToJsonString());

        var loaded = TransformerConfig.Load(folder.Path);

        Assert.Equal(ModelArchitecture.Qwen2, loaded.Architecture);
        Assert.True(loaded.RmsNormEpsilon > 0 && loaded.RopeTheta > 0 && loaded.MaxPositions > 0);
    }

    [Theory]
    [InlineData("architectures", "3", "architectures must be a list of strings")]
    [InlineData("layer_norm_eps", "0", "layer_norm_eps must be a positive number")]
    public void AnEncoderConfigValueThatCannotBeRightIsRefusedByName(string field, string json, string expected)
    {
        using var folder = new TempFolder();
        var config = JsonNode.Parse(TinyEncoders.Config(EncoderArchitecture.Bert, 16).ToJson())!.AsObject();
        config[field] = JsonNode.Parse(json);
        File.WriteAllText(folder.Combine("config.json"), config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => EncoderConfig.Load(folder.Path));

        Assert.Contains("config.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
