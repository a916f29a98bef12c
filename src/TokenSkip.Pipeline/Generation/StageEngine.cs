using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;

namespace TokenSkip.Pipeline.Generation;

/// <summary>
/// The in-process engine a pipeline stage runs on: as many slots as the stage keeps requests in flight, each exactly as
/// long as the stage's longest prompt plus its token limit (clipped to the model's context, as generation alone would
/// be), prompts prefilled whole. So every answer is what the model generates for that prompt alone, and the KV cache is
/// no larger than the stage needs.
/// </summary>
public static class StageEngine
{
    /// <summary>Creates the engine over <paramref name="bundle"/>, which it takes ownership of.</summary>
    /// <param name="bundle">The model (with its tokenizer).</param>
    /// <param name="concurrency">Requests in flight at once (the stage's batch size).</param>
    /// <param name="maxNewTokens">The stage's generation limit.</param>
    /// <param name="prompts">Every prompt the stage may send (to size the slots).</param>
    public static LocalGenerationEngine Create(ModelBundle bundle, int concurrency, int maxNewTokens, IEnumerable<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ContinuousBatchOptions options;
        try
        {
            ArgumentNullException.ThrowIfNull(prompts);
            var tokenizer = bundle.Tokenizer;
            var longest = prompts.Select(p => tokenizer.Encode(p).Count).DefaultIfEmpty(1).Max();
            var slotTokens = (int)Math.Min((long)longest + maxNewTokens, bundle.Model.Config.MaxPositions);
            options = new ContinuousBatchOptions { Slots = concurrency, SlotTokens = Math.Max(2, slotTokens), PrefillChunkTokens = int.MaxValue };
        }
        catch
        {
            bundle.Dispose();
            throw;
        }

        return new LocalGenerationEngine(bundle, options);
    }
}
