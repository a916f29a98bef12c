namespace TokenSkip.Pipeline.Stages;

/// <summary>What <see cref="DatasetBuilder"/> wrote.</summary>
/// <param name="AlpacaPath">TokenSkip's LLaMA-Factory file (a JSON array of instruction/input/output).</param>
/// <param name="MessagesPath">The chat-messages jsonl.</param>
/// <param name="Samples">Samples written.</param>
/// <param name="SamplesPerRatio">How many samples each γ got.</param>
public sealed record DatasetBuildResult(string AlpacaPath, string MessagesPath, int Samples, IReadOnlyDictionary<double, int> SamplesPerRatio);
