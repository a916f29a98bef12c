using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenSkip.Core.Engine;
using TokenSkip.Hosting.Api;
using TokenSkip.Hosting.Health;
using TokenSkip.Hosting.Metrics;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting;

/// <summary>Registers the TokenSkip server's services in any ASP.NET Core host.</summary>
public static class TokenSkipServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the model worker (a hosted service, also registered as <see cref="IGenerationEngine"/> for in-process callers),
    /// its options bound from <c>TokenSkip:Server</c> in <paramref name="configuration"/> then adjusted by
    /// <paramref name="configure"/>, metrics, the readiness health check and the endpoints' services. Map the endpoints with
    /// <see cref="TokenSkipServerEndpointRouteBuilderExtensions.MapTokenSkipServer"/>. Register an <see cref="IModelLoader"/>
    /// first to load the model another way.
    /// </summary>
    public static IServiceCollection AddTokenSkipServer(this IServiceCollection services, IConfiguration configuration,
        Action<TokenSkipServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<TokenSkipServerOptions>().Bind(configuration.GetSection(TokenSkipServerOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenSkipServerOptions>, TokenSkipServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IModelLoader, FolderModelLoader>();
        services.AddMetrics();
        services.TryAddSingleton<ServerMetrics>();
        services.TryAddSingleton<ModelWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelWorker>());
        services.TryAddSingleton<IGenerationEngine>(provider => provider.GetRequiredService<ModelWorker>());
        services.TryAddSingleton<ChatCompletionsEndpoint>();
        services.TryAddSingleton<TextCompletionsEndpoint>();
        services.AddHealthChecks().AddCheck<ModelReadinessHealthCheck>("model", tags: [TokenSkipServerEndpointRouteBuilderExtensions.ReadyTag]);
        return services;
    }
}
