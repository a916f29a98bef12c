using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;
using TokenSkip.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers TokenSkip models as keyed singletons (key: <c>serviceId</c>), either as an <see cref="IChatClient"/> or,
/// adapted with <c>AsChatCompletionService()</c>, as an <see cref="IChatCompletionService"/>. Both are built as one
/// pipeline: Semantic Kernel function invocation → <see cref="TokenBudgetChatClient"/> → <see cref="PromptToolCallingChatClient"/>
/// → <see cref="TokenSkipChatClient"/>, so budgets see every round trip of a tool loop.
/// </summary>
public static class TokenSkipServiceCollectionExtensions
{
    /// <summary>Adds a TokenSkip chat client over an engine the caller owns (e.g. <c>LocalGenerationEngine.Load(folder)</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="options">Client defaults (γ, output cap, model card for the planner).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    public static IServiceCollection AddTokenSkipChatClient(this IServiceCollection services, IGenerationEngine engine,
        TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return services.AddTokenSkipChatClient(_ => engine, options, serviceId, ownsEngine: false);
    }

    /// <summary>Adds a TokenSkip chat client whose engine the container creates (and disposes) on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="engineFactory">Creates the engine, e.g. <c>_ => LocalGenerationEngine.Load(folder)</c>.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    public static IServiceCollection AddTokenSkipChatClient(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options = null, string? serviceId = null) =>
        services.AddTokenSkipChatClient(engineFactory, options, serviceId, ownsEngine: true);

    /// <summary>Adds a TokenSkip chat client for a model served by a remote OpenAI-compatible completions endpoint.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API root, e.g. <c>http://localhost:8000/v1</c>.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family.</param>
    /// <param name="apiKey">Bearer token, if the server needs one.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="httpClient">The HTTP client; null creates one.</param>
    public static IServiceCollection AddTokenSkipChatClient(this IServiceCollection services, Uri endpoint, string modelId,
        ModelFamily family, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        HttpClient? httpClient = null) =>
        services.AddTokenSkipChatClient(_ => new OpenAICompatibleEngine(endpoint, modelId, family, httpClient, apiKey), options, serviceId, ownsEngine: false);

    /// <summary>Adds a TokenSkip chat completion service over an engine the caller owns.</summary>
    /// <inheritdoc cref="AddTokenSkipChatClient(IServiceCollection, IGenerationEngine, TokenSkipChatClientOptions?, string?)"/>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, IGenerationEngine engine,
        TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return services.AddTokenSkipChatCompletion(_ => engine, options, serviceId, ownsEngine: false);
    }

    /// <summary>Adds a TokenSkip chat completion service whose engine the container creates (and disposes).</summary>
    /// <inheritdoc cref="AddTokenSkipChatClient(IServiceCollection, Func{IServiceProvider, IGenerationEngine}, TokenSkipChatClientOptions?, string?)"/>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options = null, string? serviceId = null) =>
        services.AddTokenSkipChatCompletion(engineFactory, options, serviceId, ownsEngine: true);

    /// <summary>Adds a TokenSkip chat completion service for a model served by a remote OpenAI-compatible completions endpoint.</summary>
    /// <inheritdoc cref="AddTokenSkipChatClient(IServiceCollection, Uri, string, ModelFamily, string?, TokenSkipChatClientOptions?, string?, HttpClient?)"/>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, Uri endpoint, string modelId,
        ModelFamily family, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        HttpClient? httpClient = null) =>
        services.AddTokenSkipChatCompletion(_ => new OpenAICompatibleEngine(endpoint, modelId, family, httpClient, apiKey), options, serviceId, ownsEngine: false);

    /// <summary>
    /// The pipeline both registrations use: function invocation outermost, then budgets, prompt-based tool calling and
    /// the model. Exposed so that hosts can build it by hand.
    /// </summary>
    public static IChatClient BuildTokenSkipPipeline(IGenerationEngine engine, TokenSkipChatClientOptions? options, IServiceProvider? services = null)
    {
        var loggerFactory = services?.GetService<ILoggerFactory>();
        return new TokenSkipChatClient(engine, options)
            .AsBuilder()
            .UseKernelFunctionInvocation(loggerFactory)
            .UseTokenBudget()
            .UsePromptToolCalling()
            .Build(services);
    }

    private static IServiceCollection AddTokenSkipChatClient(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options, string? serviceId, bool ownsEngine)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(engineFactory);
        var engineOf = RegisterEngine(services, engineFactory, serviceId, ownsEngine);
        return services.AddKeyedSingleton<IChatClient>(serviceId, (provider, _) => BuildTokenSkipPipeline(engineOf(provider), options?.Clone(), provider));
    }

    private static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options, string? serviceId, bool ownsEngine)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(engineFactory);
        var engineOf = RegisterEngine(services, engineFactory, serviceId, ownsEngine);
        return services.AddKeyedSingleton<IChatCompletionService>(serviceId, (provider, _) =>
            BuildTokenSkipPipeline(engineOf(provider), options?.Clone(), provider).AsChatCompletionService(provider));
    }

    // An engine the container creates is registered (keyed like the client) so that the container disposes it.
    private static Func<IServiceProvider, IGenerationEngine> RegisterEngine(IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, string? serviceId, bool ownsEngine)
    {
        if (!ownsEngine)
        {
            return engineFactory;
        }

        var key = new EngineKey(serviceId);
        services.AddKeyedSingleton(key, (provider, _) => engineFactory(provider));
        return provider => provider.GetRequiredKeyedService<IGenerationEngine>(key);
    }

    private sealed record EngineKey(string? ServiceId);
}
