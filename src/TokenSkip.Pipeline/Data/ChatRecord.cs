using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Data;

/// <summary>A training sample in the chat-messages layout (<c>{"messages": [...]}</c>, as OpenAI, TRL and Axolotl take it), with its γ.</summary>
/// <param name="Messages">System (Qwen2.5 only), user and assistant turns.</param>
/// <param name="Gamma">The ratio the sample was built for.</param>
public sealed record ChatRecord(
    [property: JsonPropertyName("messages")] IReadOnlyList<ChatRecordMessage> Messages,
    [property: JsonPropertyName("gamma")] double Gamma);
