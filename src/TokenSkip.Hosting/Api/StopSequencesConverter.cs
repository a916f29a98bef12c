using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenSkip.Hosting.Api;

/// <summary>Reads <c>stop</c>: null, one string, or an array of strings.</summary>
internal sealed class StopSequencesConverter : JsonConverter<IReadOnlyList<string>?>
{
    public override bool HandleNull => true;

    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var stops = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    stops.Add(reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw new RequestFieldException("stop must be a string or an array of strings"));
                }

                return stops;
            default:
                throw new RequestFieldException("stop must be a string or an array of strings");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string>? value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}
