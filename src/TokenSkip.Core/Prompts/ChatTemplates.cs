namespace TokenSkip.Core.Prompts;

/// <summary>The chat template of each <see cref="ModelFamily"/>.</summary>
public static class ChatTemplates
{
    private static readonly QwenChatTemplate Qwen = new();
    private static readonly Llama3ChatTemplate Llama3 = new();

    /// <summary>Returns the template for <paramref name="family"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined family.</exception>
    public static IChatTemplate For(ModelFamily family) => family switch
    {
        ModelFamily.Qwen2 => Qwen,
        ModelFamily.Llama3 => Llama3,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown model family"),
    };
}
