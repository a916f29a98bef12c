using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenSkip.Hosting.Api;
using TokenSkip.Hosting.Health;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting;

/// <summary>Maps the server's endpoints.</summary>
public static class TokenSkipServerEndpointRouteBuilderExtensions
{
    /// <summary>The health-check tag of the readiness checks.</summary>
    public const string ReadyTag = "ready";

    private static readonly HttpMethodMetadata HealthMethods = new([HttpMethods.Get, HttpMethods.Head]);

    /// <summary>
    /// Maps the OpenAI-compatible API (<c>GET /v1/models</c>, <c>POST /v1/chat/completions</c>, <c>POST /v1/completions</c>,
    /// behind the optional API key) and the health endpoints (<c>GET /health/live</c>: the process answers;
    /// <c>GET /health/ready</c>: the model is loaded and requests are accepted, 503 otherwise; both also answer <c>HEAD</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapTokenSkipServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/v1").AddEndpointFilter<ApiKeyFilter>();
        api.MapGet("/models", (HttpContext http, ModelWorker worker) => ModelsEndpoint.HandleAsync(http, worker));
        api.MapPost("/chat/completions", (HttpContext http, ChatCompletionsEndpoint endpoint) => endpoint.HandleAsync(http));
        api.MapPost("/completions", (HttpContext http, TextCompletionsEndpoint endpoint) => endpoint.HandleAsync(http));
        // Health checks answer any method unless told otherwise; like the API, they take only what they document (405 else).
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync })
            .WithMetadata(HealthMethods);
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithMetadata(HealthMethods);
        return endpoints;
    }
}
