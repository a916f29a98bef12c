using TokenSkip.Core.Prompts;
using Xunit;

namespace TokenSkip.Core.Tests.Prompts;

public sealed class ModelFamiliesTests
{
    [Theory]
    [InlineData("qwen2", ModelFamily.Qwen2)]
    [InlineData("Qwen2ForCausalLM", ModelFamily.Qwen2)]
    [InlineData("llama", ModelFamily.Llama3)]
    [InlineData("LlamaForCausalLM", ModelFamily.Llama3)]
    [InlineData(" LLAMA ", ModelFamily.Llama3)]
    public void DerivesFamilyFromHuggingFaceNames(string name, ModelFamily expected)
    {
        Assert.True(ModelFamilies.TryFromHuggingFaceName(name, out var family));
        Assert.Equal(expected, family);
        Assert.Equal(expected, ModelFamilies.FromHuggingFaceName(name));
    }

    [Theory]
    [InlineData("mistral")]
    [InlineData("")]
    [InlineData(null)]
    public void RejectsOtherNames(string? name)
    {
        Assert.False(ModelFamilies.TryFromHuggingFaceName(name, out _));
        var error = Assert.Throws<NotSupportedException>(() => ModelFamilies.FromHuggingFaceName(name));
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachFamilyHasItsTemplate()
    {
        Assert.IsType<QwenChatTemplate>(ChatTemplates.For(ModelFamily.Qwen2));
        Assert.IsType<Llama3ChatTemplate>(ChatTemplates.For(ModelFamily.Llama3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatTemplates.For((ModelFamily)42));
    }
}
