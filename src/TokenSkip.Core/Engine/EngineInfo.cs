using TokenSkip.Core.Calibration;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Engine;

/// <summary>What callers need to know about the model behind an engine.</summary>
/// <param name="ModelId">A name for the model (folder name or served model id).</param>
/// <param name="Family">The prompt family (chat template and TokenSkip format).</param>
/// <param name="ContextLength">The most tokens a prompt plus its completion may hold.</param>
public sealed record EngineInfo(string ModelId, ModelFamily Family, int ContextLength)
{
    /// <summary>
    /// The model's card (<c>tokenskip.json</c>) when it has one: a TokenSkip-trained model, whose card decides the prompt
    /// and the default γ (see <c>TurnPolicy</c>). Null for a plain model, or when the engine cannot know.
    /// </summary>
    public ModelCard? Card { get; init; }

    /// <summary>
    /// The ids of the chat template's end-of-turn tokens in the model's vocabulary (what ends an answer besides the
    /// checkpoint's own EOS ids), for callers that render prompts themselves and stop on ids. Empty when the engine cannot
    /// know (a remote engine): stop on the template's stop strings instead.
    /// </summary>
    public IReadOnlyList<int> EndOfTurnTokenIds { get; init; } = [];
}
