using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// Semantic Kernel execution settings for TokenSkip models, in snake_case JSON. On the <c>IChatClient</c> path SK turns
/// <c>max_tokens</c>, <c>temperature</c>, <c>top_p</c>, <c>top_k</c>, <c>seed</c> and <c>stop_sequences</c> into
/// <c>ChatOptions</c> fields, and <c>compression_ratio</c> and <c>token_budget</c> into
/// <c>ChatOptions.AdditionalProperties</c>, where <see cref="TokenSkipChatClient"/> reads (and validates) them.
/// </summary>
public sealed class TokenSkipPromptExecutionSettings : PromptExecutionSettings
{
    private static readonly JsonSerializerOptions Permissive = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private double? _compressionRatio;
    private int? _tokenBudget;
    private int? _maxTokens;
    private double? _temperature;
    private double? _topP;
    private int? _topK;
    private long? _seed;
    private IList<string>? _stopSequences;

    /// <summary>TokenSkip's compression ratio γ in [0.5, 1.0]; null leaves it to the client (or the planner, with a budget).</summary>
    [JsonPropertyName("compression_ratio")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CompressionRatio
    {
        get => _compressionRatio;
        set => Set(ref _compressionRatio, value);
    }

    /// <summary>The call's completion-token budget; without a <see cref="CompressionRatio"/> the planner chooses γ to fit it.</summary>
    [JsonPropertyName("token_budget")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TokenBudget
    {
        get => _tokenBudget;
        set => Set(ref _tokenBudget, value);
    }

    /// <summary>The most tokens to generate.</summary>
    [JsonPropertyName("max_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxTokens
    {
        get => _maxTokens;
        set => Set(ref _maxTokens, value);
    }

    /// <summary>Sampling temperature; 0 (the default) decodes greedily, as TokenSkip evaluates.</summary>
    [JsonPropertyName("temperature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Temperature
    {
        get => _temperature;
        set => Set(ref _temperature, value);
    }

    /// <summary>Nucleus sampling mass in (0, 1].</summary>
    [JsonPropertyName("top_p")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TopP
    {
        get => _topP;
        set => Set(ref _topP, value);
    }

    /// <summary>Keep only the most likely <c>top_k</c> tokens; 0 disables it.</summary>
    [JsonPropertyName("top_k")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TopK
    {
        get => _topK;
        set => Set(ref _topK, value);
    }

    /// <summary>The sampler's seed.</summary>
    [JsonPropertyName("seed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seed
    {
        get => _seed;
        set => Set(ref _seed, value);
    }

    /// <summary>Texts that end generation (in addition to the chat template's end-of-turn tokens).</summary>
    [JsonPropertyName("stop_sequences")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? StopSequences
    {
        get => _stopSequences;
        set => Set(ref _stopSequences, value);
    }

    /// <inheritdoc />
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        base.Freeze();
        if (_stopSequences is not null)
        {
            _stopSequences = _stopSequences.ToArray();
        }
    }

    /// <inheritdoc />
    public override PromptExecutionSettings Clone() => new TokenSkipPromptExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        CompressionRatio = CompressionRatio,
        TokenBudget = TokenBudget,
        MaxTokens = MaxTokens,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        Seed = Seed,
        StopSequences = StopSequences?.ToList(),
    };

    /// <summary>
    /// Converts any execution settings to TokenSkip settings: a <see cref="TokenSkipPromptExecutionSettings"/> is
    /// returned as is; other settings are read through their JSON form, so snake_case keys in
    /// <see cref="PromptExecutionSettings.ExtensionData"/> (from YAML/JSON prompt configs) land on the typed properties.
    /// </summary>
    /// <param name="executionSettings">The settings to convert; null gives defaults.</param>
    /// <param name="defaultMaxTokens">Used for <see cref="MaxTokens"/> when the settings set none.</param>
    /// <exception cref="ArgumentException">A value has the wrong JSON type.</exception>
    public static TokenSkipPromptExecutionSettings FromExecutionSettings(PromptExecutionSettings? executionSettings, int? defaultMaxTokens = null)
    {
        TokenSkipPromptExecutionSettings settings;
        switch (executionSettings)
        {
            case null:
                settings = new TokenSkipPromptExecutionSettings();
                break;
            case TokenSkipPromptExecutionSettings tokenSkip:
                settings = tokenSkip;
                break;
            default:
                try
                {
                    var json = JsonSerializer.Serialize(executionSettings, executionSettings.GetType(), Permissive);
                    settings = JsonSerializer.Deserialize<TokenSkipPromptExecutionSettings>(json, Permissive)
                        ?? throw new ArgumentException("the execution settings serialized to null.", nameof(executionSettings));
                }
                catch (JsonException e)
                {
                    throw new ArgumentException($"the execution settings cannot be read as TokenSkip settings: {e.Message}", nameof(executionSettings), e);
                }

                settings.FunctionChoiceBehavior = executionSettings.FunctionChoiceBehavior;
                break;
        }

        if (settings.MaxTokens is null && defaultMaxTokens is not null)
        {
            settings = settings.IsFrozen ? (TokenSkipPromptExecutionSettings)settings.Clone() : settings;
            settings.MaxTokens = defaultMaxTokens;
        }

        return settings;
    }

    private void Set<T>(ref T field, T value)
    {
        ThrowIfFrozen();
        field = value;
    }
}
