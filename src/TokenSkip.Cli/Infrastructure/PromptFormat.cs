namespace TokenSkip.Cli.Infrastructure;

/// <summary>How <c>generate</c> turns <c>--prompt</c> into model input.</summary>
internal enum PromptFormat
{
    /// <summary>The text as given.</summary>
    Raw,

    /// <summary>A user message in the family's chat template.</summary>
    Chat,

    /// <summary>A question in TokenSkip's prompt at a compression ratio.</summary>
    TokenSkip,
}
