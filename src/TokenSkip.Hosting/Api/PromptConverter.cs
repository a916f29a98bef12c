using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>Reads <c>prompt</c>: a string, an array of token ids, or an array holding one string (one prompt per request).</summary>
internal sealed class PromptConverter : JsonConverter<CompletionPrompt?>
{
    private const string Expected = "prompt must be a string or an array of token ids (one prompt per request)";

    public override bool HandleNull => true;

    public override CompletionPrompt? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new CompletionPrompt(reader.GetString(), null);
            case JsonTokenType.StartArray:
                using (var array = JsonDocument.ParseValue(ref reader))
                {
                    var items = array.RootElement.EnumerateArray().ToArray();
                    if (items is [{ ValueKind: JsonValueKind.String } single])
                    {
                        return new CompletionPrompt(single.GetString(), null);
                    }

                    var ids = new int[items.Length];
                    for (var i = 0; i < items.Length; i++)
                    {
                        ids[i] = items[i].ValueKind == JsonValueKind.Number && items[i].TryGetInt32(out var id)
                            ? id
                            : throw new RequestFieldException(Expected);
                    }

                    return new CompletionPrompt(null, ids);
                }

            default:
                throw new RequestFieldException(Expected);
        }
    }

    public override void Write(Utf8JsonWriter writer, CompletionPrompt? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("prompts are only read");
}
