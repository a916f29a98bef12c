namespace TokenSkip.Pipeline.Stages;

/// <summary>What <see cref="DatasetBuilder"/> wrote.</summary>
/// <param name="AlpacaPath">TokenSkip's LLaMA-Factory file (a JSON array of instruction/input/output).</param>
/// <param name="MessagesPath">The chat-messages jsonl.</param>
/// <param name="Samples">Samples written.</param>
/// <param name="SamplesPerRatio">How many samples each γ got.</param>
public sealed record DatasetBuildResult(string AlpacaPath, string MessagesPath, int Samples, IReadOnlyDictionary<double, int> SamplesPerRatio)
{
    /// <summary>LLaMA-Factory's <c>dataset_info.json</c> registering both files.</summary>
    public required string DatasetInfoPath { get; init; }

    /// <summary>The <c>llamafactory-cli train</c> config (LoRA SFT with TokenSkip's hyperparameters).</summary>
    public required string TrainingConfigPath { get; init; }
}
