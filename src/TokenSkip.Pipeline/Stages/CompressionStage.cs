using System.Globalization;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Models.Compression;
using TokenSkip.Pipeline.Data;

namespace TokenSkip.Pipeline.Stages;

/// <summary>
/// Stage 3 of TokenSkip: every filtered CoT compressed at each γ in {0.9, 0.8, 0.7, 0.6, 0.5}. A CoT is scored once and
/// pruned at every ratio; each (id, γ) result is appended as it is made, so an interrupted run resumes without
/// redoing finished pairs.
/// </summary>
public sealed class CompressionStage
{
    /// <summary>The stage's name in progress reports and provenance.</summary>
    public const string Name = "compress";

    /// <summary>The ratios TokenSkip compresses to.</summary>
    public static IReadOnlyList<CompressionRatio> DefaultRatios { get; } = CompressionRatio.TrainingRatios.Where(r => !r.IsUncompressed).ToArray();

    private readonly CotCompressor _compressor;
    private readonly IReadOnlyList<CompressionRatio> _ratios;
    private readonly int _batchSize;

    /// <summary>Creates the stage.</summary>
    public CompressionStage(CotCompressor compressor, IReadOnlyList<CompressionRatio>? ratios = null, int batchSize = 16)
    {
        _compressor = compressor;
        _ratios = ratios ?? DefaultRatios;
        _batchSize = batchSize;
    }

    /// <summary>Compresses every record not yet complete in <paramref name="outputPath"/>; returns the results written.</summary>
    public int Run(IReadOnlyList<FilteredRecord> records, string outputPath, IProgress<StageProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        StageOutput.Begin(outputPath, Provenance());
        var done = JsonLines.Read<CompressedRecord>(outputPath).Select(r => (r.Id, Math.Round(r.Gamma, 2))).ToHashSet();
        var pending = records.Where(r => _ratios.Any(g => !done.Contains((r.Id, g.Value)))).ToList();
        var finished = records.Count - pending.Count;
        progress?.Report(new StageProgress(Name, finished, records.Count));

        var written = 0;
        foreach (var batch in pending.Chunk(_batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scored = _compressor.Score(batch.Select(r => r.Cot).ToArray(), cancellationToken);
            for (var i = 0; i < batch.Length; i++)
            {
                foreach (var ratio in _ratios.Where(g => !done.Contains((batch[i].Id, g.Value))))
                {
                    var result = _compressor.Compress(scored[i], ratio);
                    JsonLines.Append(outputPath, new CompressedRecord(batch[i].Id, ratio.Value, result.CompressedCot,
                        result.KeptWordIndices, result.OriginalTokens, result.CompressedTokens));
                    written++;
                }

                progress?.Report(new StageProgress(Name, ++finished, records.Count, batch[i].Id));
            }
        }

        return written;
    }

    private Provenance Provenance() => new()
    {
        Stage = Name,
        Scorer = _compressor.ScorerName,
        Model = _compressor.ScorerModelPath,
        Ratios = _ratios.Select(r => r.Value).ToArray(),
        Settings = new Dictionary<string, string>
        {
            ["force_tokens"] = string.Join(" ", _compressor.Options.ForceTokens),
            ["keep_digits"] = _compressor.Options.KeepDigits.ToString(CultureInfo.InvariantCulture),
            ["drop_consecutive"] = _compressor.Options.DropConsecutive.ToString(CultureInfo.InvariantCulture),
            ["ratio_measure"] = _compressor.Measure.ToString(),
        },
    };
}
