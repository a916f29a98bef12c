using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenSkip.Hosting.Api;

/// <summary>Turns refusals into OpenAI error responses (status code, error JSON, <c>Retry-After</c> where it applies).</summary>
internal static class ApiErrorWriter
{
    public static Task WriteAsync(HttpContext context, ApiException error, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json; charset=utf-8";
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (error.Status == StatusCodes.Status413PayloadTooLarge)
        {
            // The unread rest of the body stays on the wire: close the connection rather than drain it.
            response.Headers.Connection = "close";
        }

        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        return response.WriteAsync(Serialize(error), context.RequestAborted);
    }

    /// <summary>The error JSON (also sent as an SSE event when a stream fails after it started).</summary>
    public static string Serialize(ApiException error) =>
        JsonSerializer.Serialize(new ApiError(new ApiErrorDetail(error.Message, error.Type, error.Param, error.Code)), ApiJson.Write);
}
