namespace TokenSkip.Core.Remote;

/// <summary>What <see cref="OpenAICompatibleEngine"/> does when a replica fails while a reply is being streamed.</summary>
public enum StreamFailover
{
    /// <summary>
    /// Tokens are handed on as they arrive; a request fails over to another replica only before its first token, and a
    /// failure after it surfaces as an error (retrying would repeat text the caller already has). For chat clients.
    /// </summary>
    BeforeFirstToken,

    /// <summary>
    /// A reply is held back until it is complete, so a replica lost mid-stream is retried from the start on another
    /// replica with nothing handed on twice. For pipeline jobs, which only keep whole replies anyway.
    /// </summary>
    WholeReply,
}
