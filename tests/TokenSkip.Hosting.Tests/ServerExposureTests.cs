using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>Who may reach the server, and what its logs keep of a request.</summary>
[Collection(ServerCollection.Name)]
public sealed class ServerExposureTests(ServedModelFixture model)
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("[::]")]
    [InlineData("*")]
    [InlineData("192.168.1.20")]
    public void ListeningBeyondLoopbackWithoutAKeyIsRefusedAndSaysWhatToDo(string host)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(o => o.Host = host));

        Assert.Contains($"Host '{host}'", error.Message);
        Assert.Contains("--api-key", error.Message);
        Assert.Contains("--allow-unauthenticated", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public void LoopbackNeedsNoKey(string host) => Assert.Equal(host, Options(o => o.Host = host).Host);

    [Fact]
    public void AKeyOrAnExplicitAllowanceOpensEveryInterface()
    {
        Assert.Equal("k", Options(o => { o.Host = "0.0.0.0"; o.ApiKey = "k"; }).ApiKey);
        Assert.True(Options(o => { o.Host = "::"; o.AllowUnauthenticated = true; }).AllowUnauthenticated);
    }

    [Fact]
    public void AnUnauthenticatedServerOnEveryInterfaceLogsAWarning()
    {
        var logs = new LogCapture();
        var builder = TokenSkipServer.CreateBuilder([], o => { o.Host = "0.0.0.0"; o.AllowUnauthenticated = true; o.Model = model.Folder; });
        builder.Logging.ClearProviders().AddProvider(logs);

        using var app = (IDisposable)TokenSkipServer.Build(builder); // built, not started: nothing listens

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("without an API key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestsAreLoggedAtDebugWithoutTheirQueryString()
    {
        var logs = new LogCapture();
        await using var server = await RunningServer.StartAsync(model.Folder, o => o.ApiKey = "right",
            services => services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));

        using var refused = await server.Client.GetAsync("v1/models?api_key=secret-in-query");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("secret-in-query", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Level >= LogLevel.Information && l.Message.Contains("/v1/models", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Debug && l.Message.StartsWith("GET /v1/models 401", StringComparison.Ordinal));
    }

    private static TokenSkipServerOptions Options(Action<TokenSkipServerOptions> configure)
    {
        var builder = TokenSkipServer.CreateBuilder([], configure);
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<TokenSkipServerOptions>>().Value;
    }
}
