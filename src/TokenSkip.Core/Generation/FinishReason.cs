namespace TokenSkip.Core.Generation;

/// <summary>Why a generation ended (the OpenAI <c>finish_reason</c> values).</summary>
public enum FinishReason
{
    /// <summary>A stop token or stop string was produced.</summary>
    Stop,

    /// <summary>The token limit or the context length was reached.</summary>
    Length,
}
