namespace TokenSkip.Hosting.Api;

/// <summary>A request the API refuses, with everything OpenAI's error JSON carries.</summary>
internal sealed class ApiException(int status, string message, string? param = null, string? code = null, string type = ApiException.InvalidRequest)
    : Exception(message)
{
    public const string InvalidRequest = "invalid_request_error";

    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public static ApiException BadRequest(string message, string? param, string code = "invalid_value") => new(400, message, param, code);
}
