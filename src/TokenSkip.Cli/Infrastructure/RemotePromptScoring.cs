using TokenSkip.Core.Engine;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Where <c>--scorer surprisal --endpoint URL</c> gets its client for prompt log-probabilities
/// (<see cref="IPromptLogprobSource"/>: <c>echo, logprobs, max_tokens: 0</c> on <c>/v1/completions</c>).
/// </summary>
internal static class RemotePromptScoring
{
    /// <summary>Creates the client for <paramref name="endpoints"/>.</summary>
    /// <exception cref="NotSupportedException">Always, for now: see the merge note inside.</exception>
    public static IPromptLogprobSource CreateSource(IReadOnlyList<Uri> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // MERGE POINT (issue 12, item 1): the remote engine over OpenAI-compatible replicas (balancing, retries,
        // --api-key, --served-model) implements IPromptLogprobSource; construct it here from the same endpoint options
        // that `data generate --endpoint` uses. Until it is merged, remote scoring is refused rather than faked.
        throw new NotSupportedException(
            "--endpoint scoring needs the remote /v1/completions client, which this build does not include yet; score locally (without --endpoint)");
    }
}
