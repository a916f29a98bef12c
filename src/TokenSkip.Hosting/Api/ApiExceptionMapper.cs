using TokenSkip.Core.Engine;
using TokenSkip.Hosting.Errors;

namespace TokenSkip.Hosting.Api;

/// <summary>Maps what the worker and the prompt code throw onto OpenAI errors and status codes.</summary>
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
        ArgumentException e => (ApiException.BadRequest(WithoutParamSuffix(e), e.ParamName is "messages" ? "messages" : null), null),
        _ => (new ApiException(500, $"the server failed: {exception.Message}", null, null, "server_error"), null),
    };

    private static string WithoutParamSuffix(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
}
