using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Plugins.Tests;

/// <summary>
/// A stand-in TokenSkip model: for each known question it writes a CoT of <c>round(length × γ)</c> one-word tokens
/// (γ read from the prompt), then the answer line. Below γ = 0.7 every fourth question is answered wrongly, as
/// compression costs some accuracy; a cap that cuts the CoT leaves no answer. Tokens are whitespace-separated words.
/// </summary>
internal sealed partial class SimulatedReasoner(IReadOnlyDictionary<string, (string Answer, int Length)> problems) : IGenerationEngine
{
    public EngineInfo Info { get; } = new("simulated", ModelFamily.Qwen2, 4096);

    public List<GenerationRequest> Requests { get; } = [];

    public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        var prompt = request.PromptText!;
        var gamma = Ratio().Match(prompt) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1.0;
        var (question, (answer, length)) = problems.First(p => prompt.Contains(p.Key, StringComparison.Ordinal));
        var wrong = gamma < 0.7 && (question.Length % 4 == 0);
        var tokens = Enumerable.Repeat("w ", (int)Math.Round(length * gamma))
            .Concat(["\n\nThe ", "final ", "answer ", "is: ", "$\\boxed{" + (wrong ? "0" : answer) + "}$"]).ToList();
        var produced = 0;
        foreach (var token in tokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            produced++;
            yield return new GenerationUpdate(0, produced, token);
            if (produced >= request.Options.MaxNewTokens && produced < tokens.Count)
            {
                yield return new GenerationUpdate(0, null, string.Empty, FinishReason.Length, new GenerationUsage(10, produced));
                yield break;
            }
        }

        yield return new GenerationUpdate(0, null, string.Empty, FinishReason.Stop, new GenerationUsage(10, produced));
    }

    [GeneratedRegex(@"<\|eot_id\|>([0-9.]+)<\|eot_id\|>")]
    private static partial Regex Ratio();
}
