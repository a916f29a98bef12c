using System.ComponentModel;
using Microsoft.SemanticKernel;
using TokenSkip.Core;
using TokenSkip.Models.Compression;

namespace TokenSkip.Plugins;

/// <summary>
/// TokenSkip's token pruning as a tool: <c>compress_text</c> keeps the most important words of a text (a chain of
/// thought, notes) until about γ of its tokens remain, with the configured importance scorer (LLMLingua-2 or surprisal).
/// </summary>
public sealed class CompressionPlugin
{
    private readonly CotCompressor _compressor;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the plugin over a compressor (which holds the scorer and the target tokenizer).</summary>
    public CompressionPlugin(CotCompressor compressor)
    {
        ArgumentNullException.ThrowIfNull(compressor);
        _compressor = compressor;
    }

    /// <summary>Compresses <paramref name="text"/> to <paramref name="ratio"/>.</summary>
    /// <param name="text">The text to compress.</param>
    /// <param name="ratio">The fraction of tokens to keep, 0.5 to 1.0.</param>
    /// <param name="cancellationToken">Cancels scoring (between batches).</param>
    /// <exception cref="ArgumentException">The ratio is outside [0.5, 1.0] or the text is empty.</exception>
    [KernelFunction("compress_text")]
    [Description("Compresses a text by keeping its most important words until about the given ratio of its tokens remains; returns the compressed text and the ratio achieved.")]
    public async Task<CompressedText> CompressText(
        [Description("The text to compress.")] string text,
        [Description("Fraction of tokens to keep, between 0.5 and 1.0.")] double ratio,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (!double.IsFinite(ratio) || ratio < CompressionRatio.MinValue || ratio > CompressionRatio.MaxValue)
        {
            throw new ArgumentException($"ratio must be between 0.5 and 1.0; got {ratio}.", nameof(ratio));
        }

        // Scorers are not thread-safe and run on the calling thread: one at a time, off the caller's thread.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var gamma = new CompressionRatio(ratio);
            var result = await Task.Run(() =>
            {
                var scored = _compressor.Score([text], cancellationToken);
                return _compressor.Compress(scored[0], gamma);
            }, cancellationToken).ConfigureAwait(false);
            return new CompressedText(result.Compressed, gamma.Value, result.ActualRatio, result.OriginalTokens, result.CompressedTokens, result.ScorerName);
        }
        finally
        {
            _gate.Release();
        }
    }
}
