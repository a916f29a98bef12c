using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSkip.Hosting.Api;

namespace TokenSkip.Hosting;

/// <summary>
/// The standalone server: an ASP.NET Core host whose Kestrel listens on <see cref="TokenSkipServerOptions.Host"/> and
/// <see cref="TokenSkipServerOptions.Port"/> (127.0.0.1:8080 by default), configured like any .NET host (appsettings.json,
/// environment variables, then <c>configure</c>).
/// </summary>
public static class TokenSkipServer
{
    /// <summary>Creates a builder with the server's services and Kestrel binding; add services, then call <see cref="Build"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[]? args = null, Action<TokenSkipServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });

        // ASP.NET Core logs every request (URL and query string included) at Information; those lines are access logs,
        // so they start at Warning here (the server's own access log is at Debug, without query strings). Inserted first,
        // so appsettings.json and environment variables still override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            },
        });
        builder.Services.AddTokenSkipServer(builder.Configuration, configure);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<TokenSkipServerOptions>>((kestrel, server) =>
        {
            Listen(kestrel, server.Value);
            kestrel.Limits.MaxRequestBodySize = server.Value.MaxRequestBodyBytes;
        });

        // The host's own limit must leave room for the worker's drain.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<TokenSkipServerOptions>>((host, server) =>
            host.ShutdownTimeout = server.Value.ShutdownTimeout + TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// Builds the application and maps the server's endpoints; error responses that would have no body (an unknown path,
    /// a method the path does not take) get OpenAI's error JSON.
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<TokenSkipServerOptions>>().Value;
        if (options.ApiKey is null && !ListenAddress.IsLoopback(options.Host))
        {
            // Only reachable with AllowUnauthenticated: the validator refuses it otherwise.
            app.Logger.LogWarning("Listening on {Host} without an API key: anyone who can reach this port can use the model", options.Host);
        }

        app.UseMiddleware<AccessLogMiddleware>();

        // Routing's own 404 (unknown path) and 405 (known path, other method) have no body; give them OpenAI's error JSON.
        app.UseStatusCodePages(StatusCodeErrorWriter.WriteAsync);
        app.MapTokenSkipServer();
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, TokenSkipServerOptions options)
    {
        var host = options.Host.Trim();
        if (ListenAddress.IsAnyAddress(host))
        {
            kestrel.ListenAnyIP(options.Port);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(options.Port);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, options.Port);
        }
        else
        {
            throw new OptionsValidationException(TokenSkipServerOptions.SectionName, typeof(TokenSkipServerOptions),
                [$"{TokenSkipServerOptions.SectionName}:Host '{options.Host}' is not an IP address, localhost, *, 0.0.0.0 or ::"]);
        }
    }
}
