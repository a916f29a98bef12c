using TokenSkip.Core.Remote;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Loading;

namespace TokenSkip.Pipeline.Generation;

/// <summary>
/// The remote engine a pipeline stage runs on when its prompts go to OpenAI-compatible replicas: whole replies only (a
/// replica lost mid-reply is retried from the start on another, so a stage never writes a record twice or half), with
/// the family and the tokenizer of the model folder when one is given (never its weights).
/// </summary>
public static class RemoteStageEngine
{
    /// <summary>Creates the engine.</summary>
    /// <param name="options">Endpoints, served model, concurrency, retries.</param>
    /// <param name="modelFolder">
    /// The served model's folder (or one with the same config and tokenizer), for the prompt family and exact token
    /// counts; null takes the family from <paramref name="options"/> or the server and estimates token counts.
    /// </param>
    /// <exception cref="ArgumentException"><see cref="OpenAICompatibleEngineOptions.Family"/> contradicts the folder's config.</exception>
    public static OpenAICompatibleEngine Create(OpenAICompatibleEngineOptions options, string? modelFolder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options with { Failover = StreamFailover.WholeReply };
        if (modelFolder is not null)
        {
            var family = ModelFamilyRule.For(TransformerConfig.Load(Path.GetFullPath(modelFolder)));
            if (options.Family is { } given && given != family)
            {
                throw new ArgumentException(
                    $"family {given.ToString().ToLowerInvariant()} contradicts {modelFolder}, a {family.ToString().ToLowerInvariant()} model");
            }

            options = options with { Family = family, Tokenizer = ModelBundle.LoadTokenizer(modelFolder) };
        }

        return new OpenAICompatibleEngine(options);
    }
}
