using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Gives the bodiless error responses routing produces (404 for an unknown path, 405 for a known path with another method)
/// OpenAI's error JSON, so clients that parse <c>error.message</c> get one. Headers routing set (405's <c>Allow</c>) stay.
/// </summary>
internal static class StatusCodeErrorWriter
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var status = http.Response.StatusCode;
        var target = $"{request.Method} {request.Path.Value}";
        var error = status switch
        {
            StatusCodes.Status404NotFound => new ApiException(status,
                $"no endpoint at {target}; this server answers GET /v1/models, POST /v1/chat/completions, POST /v1/completions, " +
                "GET /health/live and GET /health/ready", null, "not_found"),
            StatusCodes.Status405MethodNotAllowed => new ApiException(status,
                $"{request.Method} is not allowed on {request.Path.Value}; allowed: {http.Response.Headers.Allow}", null, "method_not_allowed"),
            _ => new ApiException(status, $"{target}: {ReasonPhrases.GetReasonPhrase(status)}", null, null,
                status >= 500 ? "server_error" : ApiException.InvalidRequest),
        };
        return ApiErrorWriter.WriteAsync(http, error);
    }
}
