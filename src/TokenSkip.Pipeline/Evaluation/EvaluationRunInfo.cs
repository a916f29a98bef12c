using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// What a run folder's results were made with (<c>run.json</c>). Resuming into a folder made with another data file,
/// model or generation limit is refused, since its rows would not be comparable.
/// </summary>
/// <param name="Data">The data file, as an absolute path.</param>
/// <param name="Model">The model, as given (a folder path or a name).</param>
/// <param name="MaxNewTokens">The generation limit.</param>
public sealed record EvaluationRunInfo(
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("max_new_tokens")] int MaxNewTokens);
