using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenSkip.Hosting.Api;

/// <summary>The JSON settings of the wire format: exact snake_case names, strict types, unknown fields ignored.</summary>
internal static class ApiJson
{
    /// <summary>Reads requests: property names match exactly, numbers must be JSON numbers, no comments or trailing commas.</summary>
    public static JsonSerializerOptions Read { get; } = new()
    {
        PropertyNameCaseInsensitive = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    /// <summary>Writes responses: UTF-8 text unescaped (JSON over HTTP, never embedded in HTML).</summary>
    public static JsonSerializerOptions Write { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
