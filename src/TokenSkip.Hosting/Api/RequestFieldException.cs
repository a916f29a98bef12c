using System.Text.Json;

namespace TokenSkip.Hosting.Api;

/// <summary>A field whose JSON shape a converter of this API refuses; the message says what was expected.</summary>
internal sealed class RequestFieldException(string message) : JsonException(message);
