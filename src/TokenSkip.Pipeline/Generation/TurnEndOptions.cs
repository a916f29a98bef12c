using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Pipeline.Generation;

/// <summary>The pipeline's decoding: greedy, ending at the family's end of turn (and the checkpoint's EOS ids).</summary>
internal static class TurnEndOptions
{
    /// <summary>
    /// Greedy options for <paramref name="info"/>'s model: stop on its end-of-turn token ids when the engine knows them
    /// (local engines), else on the template's stop strings (remote engines).
    /// </summary>
    public static GenerationOptions For(EngineInfo info, int maxNewTokens) => info.EndOfTurnTokenIds.Count > 0
        ? new GenerationOptions { MaxNewTokens = maxNewTokens, StopTokenIds = info.EndOfTurnTokenIds }
        : new GenerationOptions { MaxNewTokens = maxNewTokens, StopStrings = ChatTemplates.For(info.Family).StopTokens };
}
