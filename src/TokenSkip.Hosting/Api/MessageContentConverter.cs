using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>Reads a message's <c>content</c>: a string, null, or an array of <c>{"type": "text", "text": ...}</c> parts.</summary>
internal sealed class MessageContentConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                return ReadParts(ref reader);
            default:
                throw new RequestFieldException("content must be a string or an array of text parts");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private static string ReadParts(ref Utf8JsonReader reader)
    {
        var text = new StringBuilder();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var part = JsonDocument.ParseValue(ref reader);
            var root = part.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new RequestFieldException("each content part must be an object with a \"type\"");
            }

            if (type.GetString() != "text" || !root.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw new RequestFieldException($"content parts of type \"{type.GetString()}\" are not supported; only {{\"type\": \"text\", \"text\": \"...\"}}");
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(value.GetString());
        }

        return text.ToString();
    }
}
