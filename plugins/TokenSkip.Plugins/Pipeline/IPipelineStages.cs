using TokenSkip.Core;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Plugins;

/// <summary>
/// The offline TokenSkip stages an agent may run through <see cref="PipelinePlugin"/>. Every path handed to these
/// methods has already been confined and canonicalised by the plugin. Each stage reports progress, honours
/// cancellation and returns a one-line summary.
/// </summary>
public interface IPipelineStages
{
    /// <summary>Builds the SFT dataset (γ drawn per question) from filtered trajectories and their compressions.</summary>
    /// <param name="filteredPath">Filtered trajectories (jsonl).</param>
    /// <param name="compressedPath">Compressed CoTs at every γ (jsonl).</param>
    /// <param name="outputFolder">Where the dataset files go.</param>
    /// <param name="family">The target model's prompt family.</param>
    /// <param name="seed">The γ draw and shuffle seed.</param>
    /// <param name="progress">Progress sink.</param>
    /// <param name="cancellationToken">Stops the stage.</param>
    Task<string> BuildDataAsync(string filteredPath, string compressedPath, string outputFolder, ModelFamily family, int seed,
        IProgress<PipelineProgress> progress, CancellationToken cancellationToken);

    /// <summary>Trains a LoRA adapter on a dataset.</summary>
    /// <param name="modelFolder">The base model.</param>
    /// <param name="dataPath">The dataset (Alpaca json or chat-messages jsonl).</param>
    /// <param name="outputFolder">Where the adapter and checkpoints go.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="maxSteps">Stop after this many optimiser steps (null: all epochs).</param>
    /// <param name="progress">Progress sink.</param>
    /// <param name="cancellationToken">Stops the stage (a checkpoint allows resuming).</param>
    Task<string> TrainAdapterAsync(string modelFolder, string dataPath, string outputFolder, int epochs, int? maxSteps,
        IProgress<PipelineProgress> progress, CancellationToken cancellationToken);

    /// <summary>Evaluates a model at several γ on held-out problems and writes its calibration (<c>tokenskip.json</c>).</summary>
    /// <param name="modelFolder">The model.</param>
    /// <param name="problemsPath">Problems (GSM8K jsonl layout).</param>
    /// <param name="outputFolder">Where the results and the model card go.</param>
    /// <param name="ratios">The γ to evaluate (1.0 is always included).</param>
    /// <param name="limit">Evaluate only the first problems.</param>
    /// <param name="progress">Progress sink.</param>
    /// <param name="cancellationToken">Stops the stage.</param>
    Task<string> EvaluateAsync(string modelFolder, string problemsPath, string outputFolder, IReadOnlyList<CompressionRatio> ratios, int? limit,
        IProgress<PipelineProgress> progress, CancellationToken cancellationToken);
}
