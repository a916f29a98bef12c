using System.Runtime.CompilerServices;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Pipeline.Tests.Generation;

/// <summary>
/// A fake engine whose requests, after the first <c>solo</c> ones (answered at once), finish only once <c>together</c>
/// of them have been in flight at the same time: a caller that submits one request at a time never gets past the first
/// gated one (it times out). Answers "4".
/// </summary>
internal sealed class GatedEngine(int together, int solo = 0) : IGenerationEngine
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _arrived;

    /// <summary>The most gated requests ever in flight at once.</summary>
    public int MostInFlight { get; private set; }

    public EngineInfo Info { get; } = new("gated", ModelFamily.Qwen2, 4096) { EndOfTurnTokenIds = [7] };

    public int CountTokens(string text) => text.Length;

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        bool gated;
        lock (_lock)
        {
            gated = ++_arrived > solo;
            if (gated)
            {
                MostInFlight = Math.Max(MostInFlight, ++_inFlight);
                if (_inFlight >= together)
                {
                    _enough.TrySetResult();
                }
            }
        }

        if (gated)
        {
            try
            {
                await _enough.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (_lock)
                {
                    _inFlight--;
                }
            }
        }

        yield return new GenerationUpdate(0, 7, "The final answer is: $\\boxed{4}$", FinishReason.Stop, new GenerationUsage(10, 9));
    }
}
