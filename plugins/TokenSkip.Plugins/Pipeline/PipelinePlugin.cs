using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;
using TokenSkip.Core;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Plugins;

/// <summary>
/// The offline TokenSkip pipeline as kernel functions: each <c>start_*</c> function checks its paths against the
/// <see cref="PathConfinement"/> (deny by default, canonicalised, links resolved, no overwrite unless allowed), starts the
/// stage as a background job and returns at once; <c>get_job_status</c>, <c>list_jobs</c> and <c>cancel_job</c> follow it.
/// </summary>
public sealed class PipelinePlugin
{
    private readonly IPipelineStages _stages;
    private readonly PathConfinement _paths;
    private readonly PipelineJobs _jobs;

    /// <summary>Creates the plugin.</summary>
    /// <param name="stages">Runs the stages.</param>
    /// <param name="paths">Where the stages may read and write.</param>
    /// <param name="jobs">The job table (share one to see jobs across plugin instances).</param>
    public PipelinePlugin(IPipelineStages stages, PathConfinement paths, PipelineJobs jobs)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(jobs);
        _stages = stages;
        _paths = paths;
        _jobs = jobs;
    }

    /// <summary>Starts building the SFT dataset.</summary>
    [KernelFunction("start_build_data")]
    [Description("Starts building the TokenSkip training dataset from filtered trajectories and their compressed chains of thought; returns a job to follow with get_job_status.")]
    public PipelineJobStatus StartBuildData(
        [Description("Filtered trajectories file (jsonl).")] string filteredPath,
        [Description("Compressed chains of thought file (jsonl).")] string compressedPath,
        [Description("New folder for the dataset.")] string outputFolder,
        [Description("Prompt family of the target model: qwen2 or llama3.")] string family = "qwen2",
        [Description("Seed for the ratio draw and shuffle.")] int seed = 42)
    {
        var modelFamily = Enum.TryParse<ModelFamily>(family, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"family must be qwen2 or llama3; got '{family}'.", nameof(family));
        var filtered = _paths.ResolveRead(filteredPath);
        var compressed = _paths.ResolveRead(compressedPath);
        var output = _paths.ResolveWrite(outputFolder);
        return _jobs.Start("build_data", (progress, token) => _stages.BuildDataAsync(filtered, compressed, output, modelFamily, seed, progress, token));
    }

    /// <summary>Starts training a LoRA adapter.</summary>
    [KernelFunction("start_train_adapter")]
    [Description("Starts training a LoRA adapter on a TokenSkip dataset; returns a job to follow with get_job_status.")]
    public PipelineJobStatus StartTrainAdapter(
        [Description("The base model folder.")] string modelFolder,
        [Description("The dataset file.")] string dataPath,
        [Description("New folder for the adapter.")] string outputFolder,
        [Description("Passes over the data.")] int epochs = 3,
        [Description("Stop after this many optimiser steps (optional).")] int? maxSteps = null)
    {
        if (epochs < 1 || maxSteps is < 1)
        {
            throw new ArgumentException($"epochs and max_steps must be at least 1; got {epochs} and {maxSteps}.");
        }

        var model = _paths.ResolveRead(modelFolder);
        var data = _paths.ResolveRead(dataPath);
        var output = _paths.ResolveWrite(outputFolder);
        return _jobs.Start("train_adapter", (progress, token) => _stages.TrainAdapterAsync(model, data, output, epochs, maxSteps, progress, token));
    }

    /// <summary>Starts evaluating a model at several γ.</summary>
    [KernelFunction("start_evaluate")]
    [Description("Starts evaluating a model at several compression ratios on held-out problems (accuracy, tokens, actual ratio) and writes its calibration; returns a job to follow with get_job_status.")]
    public PipelineJobStatus StartEvaluate(
        [Description("The model folder.")] string modelFolder,
        [Description("Problems file (jsonl with question and answer).")] string problemsPath,
        [Description("New folder for the results.")] string outputFolder,
        [Description("Comma-separated ratios, e.g. 1.0,0.7,0.5.")] string ratios = "1.0,0.9,0.8,0.7,0.6,0.5",
        [Description("Evaluate only the first N problems (optional).")] int? limit = null)
    {
        var parsed = ratios.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => CompressionRatio.TryParse(r, out var ratio) ? ratio : throw new ArgumentException($"ratio '{r}' must be a number between 0.5 and 1.0.", nameof(ratios)))
            .ToArray();
        if (parsed.Length == 0 || limit is < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"give at least one ratio and a limit of at least 1; got '{ratios}' and {limit}."));
        }

        var model = _paths.ResolveRead(modelFolder);
        var problems = _paths.ResolveRead(problemsPath);
        var output = _paths.ResolveWrite(outputFolder);
        return _jobs.Start("evaluate", (progress, token) => _stages.EvaluateAsync(model, problems, output, parsed, limit, progress, token));
    }

    /// <summary>A job's status.</summary>
    [KernelFunction("get_job_status")]
    [Description("Returns a pipeline job's state (running, succeeded, failed, cancelled), progress and result.")]
    public PipelineJobStatus GetJobStatus([Description("The job id returned when it started.")] string jobId) => _jobs.Get(jobId);

    /// <summary>Every job's status.</summary>
    [KernelFunction("list_jobs")]
    [Description("Lists every pipeline job with its state and progress.")]
    public IReadOnlyList<PipelineJobStatus> ListJobs() => _jobs.List();

    /// <summary>Asks a job to stop.</summary>
    [KernelFunction("cancel_job")]
    [Description("Asks a running pipeline job to stop.")]
    public PipelineJobStatus CancelJob([Description("The job id.")] string jobId) => _jobs.Cancel(jobId);
}
