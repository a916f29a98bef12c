namespace TokenSkip.Models.Training;

/// <summary>One SFT sample as text: the rendered prompt (ending with the assistant turn's opening) and the completion.</summary>
/// <param name="Prompt">Exactly the text the model is prompted with at inference.</param>
/// <param name="Completion">The target response, ending with the family's end-of-turn token.</param>
public sealed record SftSample(string Prompt, string Completion);
