using System.Text.Json;

namespace TokenSkip.Bench;

internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
