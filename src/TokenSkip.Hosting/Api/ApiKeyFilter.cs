using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace TokenSkip.Hosting.Api;

/// <summary>When an API key is configured, lets through only requests with <c>Authorization: Bearer {key}</c> (401 otherwise).</summary>
internal sealed class ApiKeyFilter(IOptions<TokenSkipServerOptions> options) : IEndpointFilter
{
    private readonly byte[]? _key = options.Value.ApiKey is { } key ? Encoding.UTF8.GetBytes(key) : null;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_key is null || Presented(context.HttpContext.Request) is { } presented && CryptographicOperations.FixedTimeEquals(presented, _key))
        {
            return await next(context).ConfigureAwait(false);
        }

        var error = new ApiException(StatusCodes.Status401Unauthorized,
            "missing or incorrect API key: send it as 'Authorization: Bearer <key>'", null, "invalid_api_key");
        await ApiErrorWriter.WriteAsync(context.HttpContext, error).ConfigureAwait(false);
        return Results.Empty;
    }

    private static byte[]? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()) : null;
    }
}
