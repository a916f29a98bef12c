using System.Runtime.CompilerServices;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// A scripted model for the server's worker (<c>ModelWorker.ScriptedGeneration</c>): turn n of a conversation gets the
/// n-th scripted output, streamed a few characters per update, and every prompt the server rendered is recorded.
/// </summary>
internal sealed class ScriptedTurns(params string[] outputs) : IGenerationEngine
{
    private readonly Lock _gate = new();
    private readonly List<string> _prompts = [];

    public EngineInfo Info { get; } = new("scripted", ModelFamily.Qwen2, 4096);

    /// <summary>The prompts received, in order (decoded from the ids the server tokenized).</summary>
    public IReadOnlyList<string> Prompts
    {
        get
        {
            lock (_gate)
            {
                return _prompts.ToArray();
            }
        }
    }

    public int CountTokens(string text) => text.Length;

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int turn;
        lock (_gate)
        {
            turn = _prompts.Count;
            _prompts.Add(request.PromptText!);
        }

        var output = outputs[Math.Min(turn, outputs.Length - 1)];
        var pieces = output.Chunk(4).Select(c => new string(c)).ToArray();
        for (var i = 0; i < pieces.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new GenerationUpdate(0, i, pieces[i]);
        }

        yield return new GenerationUpdate(0, null, string.Empty, FinishReason.Stop, new GenerationUsage(request.PromptText!.Length, pieces.Length));
    }
}
