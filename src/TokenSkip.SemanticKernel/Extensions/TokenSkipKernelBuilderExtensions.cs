using Microsoft.Extensions.DependencyInjection;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>
/// <see cref="IKernelBuilder"/> wrappers of <see cref="TokenSkipServiceCollectionExtensions"/>: the same keyed
/// registrations, on the kernel's services.
/// </summary>
public static class TokenSkipKernelBuilderExtensions
{
    /// <summary>Adds a TokenSkip chat client over a model folder, loaded on first use and owned by the kernel's services.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelPath">The model folder, e.g. <c>DefaultModel.Require()</c>.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="adapterPath">A PEFT LoRA adapter folder merged into the model, or null.</param>
    public static IKernelBuilder AddTokenSkipChatClient(this IKernelBuilder builder, string modelPath,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, string? adapterPath = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatClient(modelPath, options, serviceId, adapterPath);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat completion service over a model folder, loaded on first use and owned by the kernel's services.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelPath">The model folder, e.g. <c>DefaultModel.Require()</c>.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    /// <param name="adapterPath">A PEFT LoRA adapter folder merged into the model, or null.</param>
    /// <param name="configure">Adds middleware to the pipeline's builder (OpenTelemetry, logging, caching).</param>
    /// <param name="loadOptions">Device, precision and quantization of the weights (e.g. <c>Quantize = QuantizationType.Q8_0</c>); null loads float32 on the CPU.</param>
    public static IKernelBuilder AddTokenSkipChatCompletion(this IKernelBuilder builder, string modelPath,
        TokenSkipChatClientOptions? options = null, string? serviceId = null, string? adapterPath = null,
        Action<Microsoft.Extensions.AI.ChatClientBuilder>? configure = null, TokenSkip.Models.Runtime.ModelLoadOptions? loadOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatCompletion(modelPath, options, serviceId, adapterPath, loadOptions, configure);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat client over an engine the caller owns.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    public static IKernelBuilder AddTokenSkipChatClient(this IKernelBuilder builder, IGenerationEngine engine,
        TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatClient(engine, options, serviceId);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat client for a remote OpenAI-compatible completions endpoint.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="endpoint">The API root.</param>
    /// <param name="modelId">The served model name.</param>
    /// <param name="family">The model's prompt family.</param>
    /// <param name="apiKey">Bearer token, if needed.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    public static IKernelBuilder AddTokenSkipChatClient(this IKernelBuilder builder, Uri endpoint, string modelId, ModelFamily family,
        string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatClient(endpoint, modelId, family, apiKey, options, serviceId);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat completion service over an engine the caller owns.</summary>
    /// <inheritdoc cref="AddTokenSkipChatClient(IKernelBuilder, IGenerationEngine, TokenSkipChatClientOptions?, string?)"/>
    public static IKernelBuilder AddTokenSkipChatCompletion(this IKernelBuilder builder, IGenerationEngine engine,
        TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatCompletion(engine, options, serviceId);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat completion service for a remote OpenAI-compatible completions endpoint.</summary>
    /// <inheritdoc cref="AddTokenSkipChatClient(IKernelBuilder, Uri, string, ModelFamily, string?, TokenSkipChatClientOptions?, string?)"/>
    public static IKernelBuilder AddTokenSkipChatCompletion(this IKernelBuilder builder, Uri endpoint, string modelId, ModelFamily family,
        string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatCompletion(endpoint, modelId, family, apiKey, options, serviceId);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat client over replicas of a model served by OpenAI-compatible completions endpoints.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="endpoints">The replicas' API roots.</param>
    /// <param name="modelId">The served model name; null takes the one model the servers list.</param>
    /// <param name="family">The model's prompt family; null reads it from <c>tokenskip serve</c>.</param>
    /// <param name="apiKey">Bearer token, if needed.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    public static IKernelBuilder AddTokenSkipChatClient(this IKernelBuilder builder, IReadOnlyList<Uri> endpoints, string? modelId = null,
        ModelFamily? family = null, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatClient(endpoints, modelId, family, apiKey, options, serviceId);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat completion service over replicas of a model served by OpenAI-compatible completions endpoints.</summary>
    /// <inheritdoc cref="AddTokenSkipChatClient(IKernelBuilder, IReadOnlyList{Uri}, string?, ModelFamily?, string?, TokenSkipChatClientOptions?, string?)"/>
    public static IKernelBuilder AddTokenSkipChatCompletion(this IKernelBuilder builder, IReadOnlyList<Uri> endpoints, string? modelId = null,
        ModelFamily? family = null, string? apiKey = null, TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatCompletion(endpoints, modelId, family, apiKey, options, serviceId);
        return builder;
    }

    /// <summary>Adds a TokenSkip chat completion service over remote replicas configured in full.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="remote">The replicas and how to balance, retry and eject them.</param>
    /// <param name="options">Client defaults.</param>
    /// <param name="serviceId">The key to register under.</param>
    public static IKernelBuilder AddTokenSkipChatCompletion(this IKernelBuilder builder, OpenAICompatibleEngineOptions remote,
        TokenSkipChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTokenSkipChatCompletion(remote, options, serviceId);
        return builder;
    }
}
