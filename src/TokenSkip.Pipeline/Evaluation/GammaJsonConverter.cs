using System.Text.Json;
using System.Text.Json.Serialization;
using TokenSkip.Core;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>Writes γ as TokenSkip spells it (1.0, 0.6), so 1.0 does not come out as the integer 1.</summary>
internal sealed class GammaJsonConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteRawValue(new CompressionRatio(value).ToString());
}
