using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Remote;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;
using TokenSkip.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers TokenSkip models like Semantic Kernel's own connectors, as keyed singletons (key: <c>serviceId</c>): an
/// <see cref="IChatClient"/> (<c>AddTokenSkipChatClient</c>, returning the <see cref="ChatClientBuilder"/> so you can add
/// <c>UseOpenTelemetry()</c>, <c>UseLogging()</c> or caching) or an <see cref="IChatCompletionService"/>
/// (<c>AddTokenSkipChatCompletion</c>, with a <c>configure</c> callback for the same builder). Both are one pipeline:
/// Semantic Kernel function invocation → <see cref="TokenBudgetChatClient"/> → anything you add →
/// <see cref="TokenSkipChatClient"/> (which offers tools in the model family's native format when the card says the model
/// calls tools), so budgets see every round trip of a tool loop. Function
/// invocation is already in it: do not add a second layer with <c>UseFunctionInvocation()</c>.
/// </summary>
/// <remarks>
/// The model comes from a folder (<c>modelPath</c>, with an optional PEFT <c>adapterPath</c>: loaded on first use, owned and
/// disposed by the container, its <c>tokenskip.json</c> card read), an engine you own, an engine factory (owned), or a
/// remote OpenAI-compatible endpoint or several replicas of one (balanced, retried and failed over by
/// <see cref="OpenAICompatibleEngine"/>; the connector owns only an <see cref="HttpClient"/> it created itself).
/// </remarks>
public static class TokenSkipServiceCollectionExtensions
{
    /// <summary>Adds a TokenSkip chat client over a model folder (Hugging Face layout), loaded on first use and owned by the container.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The model folder, e.g. <c>DefaultModel.Require()</c>.</param>
    /// <param name="options">Client defaults (γ, output cap, instruction placement).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    /// <param name="adapterPath">A PEFT LoRA adapter folder merged into the model, or null.</param>
    /// <param name="loadOptions">Device and precision; null for the CPU defaults.</param>
    /// <returns>The pipeline's builder, to add middleware (OpenTelemetry, logging, caching).</returns>
    public static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services, string modelPath,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, string? adapterPath = null, ModelLoadOptions? loadOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return services.AddTokenSkipChatClient(FolderEngine(modelPath, adapterPath, loadOptions), options, serviceId, ownsEngine: true);
    }

    /// <summary>Adds a TokenSkip chat client over an engine the caller owns (e.g. <c>LocalGenerationEngine.Load(folder)</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="options">Client defaults (γ, output cap, model card for a plain engine).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    /// <returns>The pipeline's builder.</returns>
    public static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services, IGenerationEngine engine,
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
    /// <returns>The pipeline's builder.</returns>
    public static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options = null, string? serviceId = null) =>
        services.AddTokenSkipChatClient(engineFactory, options, serviceId, ownsEngine: true);

    /// <summary>
    /// Adds a TokenSkip chat client for a model served by a remote OpenAI-compatible completions endpoint (vLLM, llama.cpp's
    /// server, <c>tokenskip serve</c>). The served context length and, from <c>tokenskip serve</c>, the model card are read
    /// from the server's <c>/models</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API root, e.g. <c>http://localhost:8000/v1</c>.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family.</param>
    /// <param name="apiKey">Bearer token, if the server needs one.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="httpClient">The HTTP client (yours: not disposed); null creates one, disposed with the container.</param>
    /// <returns>The pipeline's builder.</returns>
    public static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services, Uri endpoint, string modelId,
        ModelFamily family, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        HttpClient? httpClient = null) =>
        services.AddTokenSkipChatClient(_ => new OpenAICompatibleEngine(endpoint, modelId, family, httpClient, apiKey), options, serviceId, ownsEngine: true);

    /// <summary>
    /// Adds a TokenSkip chat client over replicas of a model served by OpenAI-compatible completions endpoints: requests go
    /// to the least busy replica, fail over before their first token, and a failing replica is taken out and probed back in
    /// (see <see cref="OpenAICompatibleEngine"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoints">The replicas' API roots, e.g. <c>[new("http://gpu1:8000/v1"), new("http://gpu2:8000/v1")]</c>.</param>
    /// <param name="modelId">The served model name; null takes the one model the servers list.</param>
    /// <param name="family">The model's prompt family; null reads it from <c>tokenskip serve</c> (other servers need it).</param>
    /// <param name="apiKey">Bearer token, if the servers need one.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="httpClient">The HTTP client (yours: not disposed); null creates one, disposed with the container.</param>
    /// <returns>The pipeline's builder.</returns>
    public static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services, IReadOnlyList<Uri> endpoints, string? modelId = null,
        ModelFamily? family = null, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        HttpClient? httpClient = null) =>
        services.AddTokenSkipChatClient(Remote(endpoints, modelId, family, apiKey), options, serviceId, httpClient);

    /// <summary>Adds a TokenSkip chat client over remote replicas configured in full (timeouts, retries, concurrency).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="remote">The replicas and how to balance, retry and eject them.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="httpClient">The HTTP client (yours: not disposed); null creates one, disposed with the container.</param>
    /// <returns>The pipeline's builder.</returns>
    public static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services, OpenAICompatibleEngineOptions remote,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        remote.Validate();
        return services.AddTokenSkipChatClient(_ => new OpenAICompatibleEngine(remote, httpClient), options, serviceId, ownsEngine: true);
    }

    /// <summary>Adds a TokenSkip chat completion service over a model folder, loaded on first use and owned by the container.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The model folder, e.g. <c>DefaultModel.Require()</c>.</param>
    /// <param name="options">Client defaults (γ, output cap, instruction placement, model card for a plain engine).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    /// <param name="adapterPath">A PEFT LoRA adapter folder merged into the model, or null.</param>
    /// <param name="loadOptions">Device and precision; null for the CPU defaults.</param>
    /// <returns>The service collection.</returns>
    /// <param name="configure">Adds middleware to the pipeline's builder (OpenTelemetry, logging, caching).</param>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, string modelPath,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, string? adapterPath = null, ModelLoadOptions? loadOptions = null,
        Action<ChatClientBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return services.AddTokenSkipChatCompletion(FolderEngine(modelPath, adapterPath, loadOptions), options, serviceId, ownsEngine: true, configure);
    }

    /// <summary>Adds a TokenSkip chat completion service over an engine the caller owns.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="options">Client defaults (γ, output cap, instruction placement, model card for a plain engine).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    /// <returns>The service collection.</returns>
    /// <param name="configure">Adds middleware to the pipeline's builder.</param>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, IGenerationEngine engine,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, Action<ChatClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return services.AddTokenSkipChatCompletion(_ => engine, options, serviceId, ownsEngine: false, configure);
    }

    /// <summary>Adds a TokenSkip chat completion service whose engine the container creates (and disposes).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="engineFactory">Creates the engine, e.g. <c>_ => LocalGenerationEngine.Load(folder)</c>.</param>
    /// <param name="options">Client defaults (γ, output cap, instruction placement, model card for a plain engine).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    /// <returns>The service collection.</returns>
    /// <param name="configure">Adds middleware to the pipeline's builder.</param>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        Action<ChatClientBuilder>? configure = null) =>
        services.AddTokenSkipChatCompletion(engineFactory, options, serviceId, ownsEngine: true, configure);

    /// <summary>Adds a TokenSkip chat completion service for a model served by a remote OpenAI-compatible completions endpoint.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API root, e.g. <c>http://localhost:8000/v1</c>.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family.</param>
    /// <param name="apiKey">Bearer token, if the server needs one.</param>
    /// <param name="options">Client defaults (γ, output cap, instruction placement, model card for a plain engine).</param>
    /// <param name="serviceId">The key to register under; null for the default registration.</param>
    /// <param name="httpClient">The HTTP client (yours: not disposed); null creates one, disposed with the container.</param>
    /// <returns>The service collection.</returns>
    /// <param name="configure">Adds middleware to the pipeline's builder.</param>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, Uri endpoint, string modelId,
        ModelFamily family, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        HttpClient? httpClient = null, Action<ChatClientBuilder>? configure = null) =>
        services.AddTokenSkipChatCompletion(_ => new OpenAICompatibleEngine(endpoint, modelId, family, httpClient, apiKey), options, serviceId,
            ownsEngine: true, configure);

    /// <summary>
    /// Adds a TokenSkip chat completion service over replicas of a model served by OpenAI-compatible completions endpoints:
    /// requests go to the least busy replica, fail over before their first token, and a failing replica is taken out and
    /// probed back in (see <see cref="OpenAICompatibleEngine"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoints">The replicas' API roots, e.g. <c>[new("http://gpu1:8000/v1"), new("http://gpu2:8000/v1")]</c>.</param>
    /// <param name="modelId">The served model name; null takes the one model the servers list.</param>
    /// <param name="family">The model's prompt family; null reads it from <c>tokenskip serve</c> (other servers need it).</param>
    /// <param name="apiKey">Bearer token, if the servers need one.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="httpClient">The HTTP client (yours: not disposed); null creates one, disposed with the container.</param>
    /// <param name="configure">Adds middleware to the pipeline's builder.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, IReadOnlyList<Uri> endpoints, string? modelId = null,
        ModelFamily? family = null, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null,
        HttpClient? httpClient = null, Action<ChatClientBuilder>? configure = null) =>
        services.AddTokenSkipChatCompletion(Remote(endpoints, modelId, family, apiKey), options, serviceId, httpClient, configure);

    /// <summary>Adds a TokenSkip chat completion service over remote replicas configured in full (timeouts, retries, concurrency).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="remote">The replicas and how to balance, retry and eject them.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="httpClient">The HTTP client (yours: not disposed); null creates one, disposed with the container.</param>
    /// <param name="configure">Adds middleware to the pipeline's builder.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services, OpenAICompatibleEngineOptions remote,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, HttpClient? httpClient = null, Action<ChatClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        remote.Validate();
        return services.AddTokenSkipChatCompletion(_ => new OpenAICompatibleEngine(remote, httpClient), options, serviceId, ownsEngine: true, configure);
    }

    /// <summary>
    /// The pipeline both registrations use, unbuilt: function invocation outermost, then budgets; what you add with
    /// <c>Use</c> sits between them and the model. Exposed so that hosts can build it by hand.
    /// </summary>
    public static ChatClientBuilder CreateTokenSkipPipeline(Func<IServiceProvider, IGenerationEngine> engineOf, TokenSkipChatClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(engineOf);
        return new ChatClientBuilder(services => new TokenSkipChatClient(engineOf(services), options?.Clone(), services.GetService<ILoggerFactory>()))
            .UseKernelFunctionInvocation()
            .UseTokenBudget();
    }

    /// <summary>The pipeline both registrations use, built over <paramref name="engine"/>.</summary>
    public static IChatClient BuildTokenSkipPipeline(IGenerationEngine engine, TokenSkipChatClientOptions? options, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return CreateTokenSkipPipeline(_ => engine, options).Build(services);
    }

    private static ChatClientBuilder AddTokenSkipChatClient(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options, string? serviceId, bool ownsEngine)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(engineFactory);
        var builder = CreateTokenSkipPipeline(RegisterEngine(services, engineFactory, serviceId, ownsEngine), options);
        services.AddKeyedSingleton<IChatClient>(serviceId, (provider, _) => builder.Build(provider));
        return builder;
    }

    private static IServiceCollection AddTokenSkipChatCompletion(this IServiceCollection services,
        Func<IServiceProvider, IGenerationEngine> engineFactory, TokenSkipChatClientOptions? options, string? serviceId, bool ownsEngine,
        Action<ChatClientBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(engineFactory);
        var builder = CreateTokenSkipPipeline(RegisterEngine(services, engineFactory, serviceId, ownsEngine), options);
        configure?.Invoke(builder);
        return services.AddKeyedSingleton<IChatCompletionService>(serviceId, (provider, _) => builder.Build(provider).AsChatCompletionService(provider));
    }

    // The bundle loader reads the card (the adapter's, the model's, or the default an adapter implies) into the engine's info.
    private static Func<IServiceProvider, IGenerationEngine> FolderEngine(string modelPath, string? adapterPath, ModelLoadOptions? loadOptions) =>
        _ => LocalGenerationEngine.Load(modelPath, new ModelBundleOptions { Load = loadOptions ?? new ModelLoadOptions(), AdapterFolder = adapterPath });

    private static OpenAICompatibleEngineOptions Remote(IReadOnlyList<Uri> endpoints, string? modelId, ModelFamily? family, string? apiKey) =>
        new() { Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints)), ServedModel = modelId, Family = family, ApiKey = apiKey };

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
