namespace TokenSkip.Models.Lora;

/// <summary>
/// A PEFT <c>LoraConfig</c> (the parts that define plain LoRA on linear layers). Defaults are TokenSkip's reference
/// recipe: rank 8, alpha 16, no dropout, all seven linear projections of a Qwen2/Llama decoder.
/// </summary>
public sealed record LoraConfig
{
    /// <summary>The seven linear projections of a Qwen2/Llama decoder layer.</summary>
    public static IReadOnlyList<string> AllLinearProjections { get; } =
        ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary><c>r</c>: the rank of the update.</summary>
    public int Rank { get; init; } = 8;

    /// <summary><c>lora_alpha</c>.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary><c>lora_dropout</c>: dropout on the LoRA branch's input while training.</summary>
    public double Dropout { get; init; }

    /// <summary><c>use_rslora</c>: scale by α/√r instead of α/r.</summary>
    public bool UseRslora { get; init; }

    /// <summary><c>target_modules</c>: which modules get a LoRA update.</summary>
    public LoraModuleSelector TargetModules { get; init; } = LoraModuleSelector.FromNames(AllLinearProjections);

    /// <summary><c>exclude_modules</c>: modules never adapted, even when targeted; null for none.</summary>
    public LoraModuleSelector? ExcludeModules { get; init; }

    /// <summary><c>layers_to_transform</c>: only adapt modules of these layer indices; null for all.</summary>
    public IReadOnlyList<int>? LayersToTransform { get; init; }

    /// <summary><c>layers_pattern</c>: the name(s) of the layer list that <see cref="LayersToTransform"/> indexes; null for any.</summary>
    public IReadOnlyList<string>? LayersPattern { get; init; }

    /// <summary><c>rank_pattern</c>: per-module rank overrides (key: module name suffix or regex).</summary>
    public IReadOnlyDictionary<string, int> RankPattern { get; init; } = new Dictionary<string, int>();

    /// <summary><c>alpha_pattern</c>: per-module alpha overrides (key: module name suffix or regex).</summary>
    public IReadOnlyDictionary<string, double> AlphaPattern { get; init; } = new Dictionary<string, double>();

    /// <summary><c>modules_to_save</c>: modules trained and saved in full besides the LoRA updates (e.g. <c>lm_head</c>).</summary>
    public IReadOnlyList<string> ModulesToSave { get; init; } = [];

    /// <summary><c>base_model_name_or_path</c>: where the base model came from (informational).</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary><c>inference_mode</c>: PEFT writes true when saving.</summary>
    public bool InferenceMode { get; init; } = true;

    /// <summary>The scaling for a module: α/r, or α/√r with rsLoRA, after <see cref="RankPattern"/>/<see cref="AlphaPattern"/>.</summary>
    public double ScalingFor(string moduleName)
    {
        var (rank, alpha) = (RankFor(moduleName), AlphaFor(moduleName));
        return UseRslora ? alpha / Math.Sqrt(rank) : alpha / rank;
    }

    /// <summary>The rank of <paramref name="moduleName"/>: its <see cref="RankPattern"/> entry, else <see cref="Rank"/>.</summary>
    public int RankFor(string moduleName) =>
        LoraPatternKey.Find(RankPattern.Keys, moduleName) is { } key ? RankPattern[key] : Rank;

    /// <summary>The alpha of <paramref name="moduleName"/>: its <see cref="AlphaPattern"/> entry, else <see cref="Alpha"/>.</summary>
    public double AlphaFor(string moduleName) =>
        LoraPatternKey.Find(AlphaPattern.Keys, moduleName) is { } key ? AlphaPattern[key] : Alpha;

    /// <summary>Checks the values; returns this config.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the PEFT field.</exception>
    public LoraConfig Validate()
    {
        if (Rank <= 0)
        {
            throw new ArgumentException($"r must be a positive integer; got {Rank}");
        }

        if (!double.IsFinite(Alpha) || Alpha == 0)
        {
            throw new ArgumentException($"lora_alpha must be a non-zero number; got {Alpha}");
        }

        if (!(Dropout >= 0 && Dropout < 1))
        {
            throw new ArgumentException($"lora_dropout must be in [0, 1); got {Dropout}");
        }

        if (RankPattern.FirstOrDefault(p => p.Value <= 0) is { Key: { } badRank } rank)
        {
            throw new ArgumentException($"rank_pattern['{badRank}'] must be a positive integer; got {rank.Value}");
        }

        if (ModulesToSave.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("modules_to_save must not contain empty names");
        }

        return this;
    }
}
