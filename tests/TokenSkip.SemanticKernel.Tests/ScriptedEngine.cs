using System.Runtime.CompilerServices;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.SemanticKernel.Tests;

/// <summary>
/// An engine that streams scripted tokens (one update each) and records every request. It honours MaxNewTokens
/// (finish "length") and stop strings, and counts the tokens it produced. Tokens are counted as whitespace-separated words.
/// Recorded prompts are as a reader sees them (<see cref="MessageContent.Unmark"/>); <see cref="MarkedPrompts"/> keeps
/// them as the engine received them.
/// </summary>
internal sealed class ScriptedEngine(ModelFamily family = ModelFamily.Qwen2, params string[] tokens) : IGenerationEngine
{
    private readonly object _gate = new();
    private readonly List<GenerationRequest> _requests = [];
    private readonly List<string?> _marked = [];

    /// <summary>A TokenSkip-trained model (it has a card) unless <see cref="Plain"/> makes it a plain one.</summary>
    public EngineInfo Info { get; private set; } = new("scripted", family, 4096) { Card = new ModelCard() };

    /// <summary>Makes the engine report a plain model (no card): the chat template unless a call names γ or a budget.</summary>
    public ScriptedEngine Plain()
    {
        Info = Info with { Card = null };
        return this;
    }

    /// <summary>Produces the script for each request; by default the constructor's tokens.</summary>
    public Func<GenerationRequest, IReadOnlyList<string>>? Script { get; set; }

    /// <summary>When true, the engine streams tokens forever (until cancelled).</summary>
    public bool Endless { get; set; }

    /// <summary>Tokens produced over all requests.</summary>
    public int Produced;

    /// <summary>Called after each token is produced (on the engine side).</summary>
    public Action<int>? OnToken { get; set; }

    public IReadOnlyList<GenerationRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    public GenerationRequest LastRequest => Requests[^1];

    /// <summary>The prompt texts as received, message content still marked.</summary>
    public IReadOnlyList<string?> MarkedPrompts
    {
        get
        {
            lock (_gate)
            {
                return _marked.ToArray();
            }
        }
    }

    public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        request.Validate();
        lock (_gate)
        {
            _marked.Add(request.PromptText);
            _requests.Add(request.PromptText is { } marked ? request with { PromptText = MessageContent.Unmark(marked) } : request);
        }

        var script = Script?.Invoke(request) ?? tokens;
        var promptTokens = CountTokens(request.PromptText ?? string.Empty);
        var produced = 0;
        var text = string.Empty;
        for (var i = 0; Endless || i < script.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            var token = Endless ? "tick " : script[i];
            produced++;
            Interlocked.Increment(ref Produced);
            OnToken?.Invoke(produced);
            text += token;
            var stop = request.Options.StopStrings.FirstOrDefault(s => text.Contains(s, StringComparison.Ordinal));
            if (stop is not null)
            {
                yield return new GenerationUpdate(0, produced, string.Empty, FinishReason.Stop, new GenerationUsage(promptTokens, produced));
                yield break;
            }

            yield return new GenerationUpdate(0, produced, token);
            if (produced >= request.Options.MaxNewTokens)
            {
                yield return new GenerationUpdate(0, null, string.Empty, FinishReason.Length, new GenerationUsage(promptTokens, produced));
                yield break;
            }
        }

        yield return new GenerationUpdate(0, null, string.Empty, FinishReason.Stop, new GenerationUsage(promptTokens, produced));
    }
}
