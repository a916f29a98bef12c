using TokenSkip.Core.Engine;
using TokenSkip.Hosting.Errors;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Maps what the worker and the prompt code throw onto OpenAI errors and status codes. Only exceptions that say the
/// request is at fault are 4xx; anything else (a plain <see cref="ArgumentException"/> or an
/// <see cref="InvalidOperationException"/> from inside the engine included) is the server's fault: 500 <c>server_error</c>.
/// </summary>
internal static class ApiExceptionMapper
{
    public static (ApiException Error, TimeSpan? RetryAfter) Map(Exception exception) => exception switch
    {
        ApiException api => (api, null),
        InvalidRequestException e => (ApiException.BadRequest(e.Message, e.Parameter, e.Code ?? "invalid_value"), null),
        ContextLengthExceededException e => (ApiException.BadRequest(e.Message, "messages", "context_length_exceeded"), null),
        ServerBusyException e => (new ApiException(429, e.Message, null, "server_busy", "rate_limit_error"), e.RetryAfter),
        ModelUnavailableException e => (new ApiException(503, e.Message, null, "model_unavailable", "service_unavailable_error"), null),
        DeadlineExceededException e => (new ApiException(504, e.Message, null, "deadline_exceeded", "timeout_error"), null),
        _ => (new ApiException(500, $"the server failed: {exception.Message}", null, null, "server_error"), null),
    };
}
