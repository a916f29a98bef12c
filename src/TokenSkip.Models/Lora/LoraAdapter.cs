using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TokenSkip.Models.Lora;

/// <summary>
/// A PEFT LoRA adapter attached to a <see cref="CausalLanguageModel"/>: one <see cref="LoraLayer"/> per targeted
/// projection, plus the modules named by <c>modules_to_save</c>, whose parameters the adapter replaces in place.
/// Load one from a PEFT folder (<see cref="Load"/>), create a fresh one to train (<see cref="Create"/>), save it in
/// PEFT's format (<see cref="Save"/>), fold it into the weights and back (<see cref="Merge"/>, <see cref="Unmerge"/>).
/// Disposing detaches it and restores the base model exactly as it was.
/// </summary>
/// <remarks>
/// The adapter's tensors are not registered in the model's module tree, so the model's own parameters, state dict
/// and <see cref="CausalLanguageModel.Save"/> stay those of the base model (merged, when merged).
/// </remarks>
public sealed class LoraAdapter : IDisposable
{
    /// <summary>The adapter weights file's name inside an adapter folder.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    private readonly List<LoraLayer> _layers;
    private readonly List<SavedParameter> _saved;
    private bool _disposed;

    private LoraAdapter(CausalLanguageModel model, LoraConfig config)
    {
        Model = model;
        Config = config.Validate();
        var modules = model.named_modules().ToList();
        _layers = [];
        _saved = [];
        try
        {
            foreach (var (name, module) in modules)
            {
                if (!LoraTargetRule.IsTarget(config, name))
                {
                    continue;
                }

                if (module is not Projection projection)
                {
                    throw new ArgumentException(
                        $"target_modules {config.TargetModules} selects '{name}', a {module.GetType().Name}; LoRA applies only to linear projections");
                }

                if (projection.Lora is not null)
                {
                    throw new InvalidOperationException($"'{name}' already has a LoRA adapter attached; dispose it first");
                }

                var layer = new LoraLayer(this, name, projection, config.RankFor(name), config.AlphaFor(name), config.UseRslora, config.Dropout);
                _layers.Add(layer);
            }

            if (_layers.Count == 0)
            {
                throw new ArgumentException(
                    $"target_modules {config.TargetModules} selects no linear projection of this {model.Config.Architecture} model " +
                    "(its projections are q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
            }

            AttachSavedModules(modules);
            foreach (var layer in _layers)
            {
                layer.Target.Lora = layer;
            }
        }
        catch
        {
            ReleaseTensors();
            throw;
        }
    }

    /// <summary>The model the adapter is attached to.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>The adapter's configuration.</summary>
    public LoraConfig Config { get; }

    /// <summary>The LoRA updates, in module order.</summary>
    public IReadOnlyList<LoraLayer> Layers => _layers;

    /// <summary>The model parameters replaced by <c>modules_to_save</c> (their names in the model), in module order.</summary>
    public IReadOnlyList<string> SavedParameterNames => _saved.Select(s => s.Name).ToArray();

    /// <summary>True while every update is folded into its projection's weight.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>While true, LoRA dropout is active (training); otherwise the branch is deterministic.</summary>
    public bool IsTraining { get; set; }

    /// <summary>The generator LoRA dropout draws from; reseed it with <see cref="SeedDropout"/>.</summary>
    internal Generator DropoutGenerator { get; } = new(0);

    /// <summary>
    /// Attaches a fresh adapter for training: A Kaiming-uniform from <paramref name="seed"/>, B zero (so the model's
    /// outputs are unchanged until trained).
    /// </summary>
    /// <exception cref="ArgumentException">The config targets nothing, or targets a module that is not a linear projection.</exception>
    public static LoraAdapter Create(CausalLanguageModel model, LoraConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var adapter = new LoraAdapter(model, config);
        var generator = new Generator((ulong)seed);
        foreach (var layer in adapter._layers)
        {
            layer.Reset(generator);
        }

        return adapter;
    }

    /// <summary>Loads a PEFT adapter folder (<c>adapter_config.json</c>, <c>adapter_model.safetensors</c>) onto <paramref name="model"/>.</summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or a tensor is missing, unexpected or misshapen.</exception>
    public static LoraAdapter Load(CausalLanguageModel model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Directory.Exists(folder))
        {
            throw new ModelFormatException(folder, "adapter folder not found");
        }

        var config = AdapterConfigFile.Read(folder);
        LoraAdapter adapter;
        try
        {
            adapter = new LoraAdapter(model, config);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(Path.Combine(folder, AdapterConfigFile.FileName), e.Message, e);
        }

        try
        {
            adapter.LoadWeights(folder);
            return adapter;
        }
        catch
        {
            adapter.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces this adapter's weights with those in <paramref name="folder"/>'s <c>adapter_model.safetensors</c>.
    /// Every tensor must map to exactly one LoRA factor or saved parameter, and every one of those must be present.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is missing or malformed, or a tensor is missing, unexpected or misshapen.</exception>
    public void LoadWeights(string folder)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var path = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(path) && File.Exists(Path.Combine(folder, "adapter_model.bin")))
        {
            throw new ModelFormatException(path, "not found; adapter_model.bin (pickle) is not supported: convert it to safetensors");
        }

        var file = SafeTensorsFile.Open(path);
        var destinations = Destinations();
        var filled = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in file.Entries.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var (canonical, destination) = Resolve(destinations, path, key);
            if (filled.TryGetValue(canonical, out var earlier))
            {
                throw new ModelFormatException(path, $"tensors '{earlier}' and '{key}' both name '{canonical}'");
            }

            var entry = file.Get(key);
            if (!SafeTensorDType.IsWeightType(entry.DType))
            {
                throw new ModelFormatException(path, $"tensor '{key}' has dtype {entry.DType}; adapter weights must be F32, F16 or BF16");
            }

            if (!entry.Shape.SequenceEqual(destination.shape))
            {
                throw new ModelFormatException(path,
                    $"tensor '{key}' has shape {entry.ShapeText}, but the adapter config and the model imply [{string.Join(", ", destination.shape)}]");
            }

            filled[canonical] = key;
        }

        var missing = destinations.Keys.Where(k => !filled.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new ModelFormatException(path,
                $"missing tensor '{missing[0]}'{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : string.Empty)}");
        }

        // Validated: only now touch the weights (a merged adapter comes out of W first and goes back in after).
        var wasMerged = IsMerged;
        if (wasMerged)
        {
            Unmerge();
        }

        foreach (var (canonical, key) in filled)
        {
            file.CopyTo(key, destinations[canonical]);
        }

        if (wasMerged)
        {
            Merge();
        }
    }

    /// <summary>
    /// The adapter's tensors under PEFT's key names (<c>base_model.model.{module}.lora_A.weight</c> [r, in],
    /// <c>...lora_B.weight</c> [out, r], and <c>base_model.model.{parameter}</c> for modules to save), sorted by key.
    /// These are the live tensors: trainers update them in place.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Parameter>> NamedTensors()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Destinations().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes <c>adapter_config.json</c> and <c>adapter_model.safetensors</c> (PEFT's layout, each file atomically).</summary>
    public void Save(string folder)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Directory.CreateDirectory(folder);
        var tensors = NamedTensors().Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value));
        SafeTensorsWriter.Write(Path.Combine(folder, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AdapterConfigFile.Write(folder, Config);
    }

    /// <summary>Folds every update into its projection's weight (W += scaling·B·A); outputs stay the same.</summary>
    public void Merge()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var layer in _layers)
        {
            layer.Merge();
        }

        IsMerged = true;
    }

    /// <summary>Takes the updates back out of the weights (W -= scaling·B·A).</summary>
    public void Unmerge()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var layer in _layers)
        {
            layer.Unmerge();
        }

        IsMerged = false;
    }

    /// <summary>
    /// Merges the updates and detaches the adapter, leaving the model with the adapted weights (PEFT's
    /// <c>merge_and_unload</c>): merged projections and the saved modules' trained values.
    /// </summary>
    public void MergeAndUnload()
    {
        Merge();
        Detach(restoreBase: false);
    }

    /// <summary>Reseeds the dropout generator (the trainer does so per micro-batch, which makes resumed runs exact).</summary>
    public void SeedDropout(long seed) => DropoutGenerator.manual_seed(seed);

    /// <summary>Detaches the adapter and restores the base model's weights (unmerging first, restoring saved modules).</summary>
    public void Dispose() => Detach(restoreBase: true);

    private void Detach(bool restoreBase)
    {
        if (_disposed)
        {
            return;
        }

        if (restoreBase)
        {
            Unmerge();
            using var noGrad = no_grad();
            foreach (var saved in _saved)
            {
                saved.Parameter.copy_(saved.Original);
            }
        }

        foreach (var saved in _saved)
        {
            saved.Parameter.requires_grad = saved.RequiredGrad;
        }

        foreach (var layer in _layers)
        {
            layer.Target.Lora = null;
        }

        ReleaseTensors();
        _disposed = true;
    }

    private void ReleaseTensors()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }

        foreach (var saved in _saved)
        {
            saved.Original.Dispose();
        }

        DropoutGenerator.Dispose();
    }

    private Dictionary<string, Parameter> Destinations()
    {
        var destinations = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var layer in _layers)
        {
            destinations[PeftKey.LoraA(layer.ModuleName)] = layer.A;
            destinations[PeftKey.LoraB(layer.ModuleName)] = layer.B;
        }

        foreach (var saved in _saved)
        {
            destinations[PeftKey.Saved(saved.Name)] = saved.Parameter;
        }

        return destinations;
    }

    // Maps a file key to the canonical PEFT key of one of this adapter's tensors, tolerating the variants PeftKey parses
    // and a module path that lacks the model's inner "model." segment.
    private static (string Canonical, Parameter Destination) Resolve(Dictionary<string, Parameter> destinations, string path, string key)
    {
        var parsed = PeftKey.Parse(key)
            ?? throw new ModelFormatException(path, $"tensor '{key}' is not a LoRA factor (lora_A/lora_B weight) or a saved module's parameter");
        foreach (var name in new[] { parsed.Name, "model." + parsed.Name })
        {
            var canonical = parsed.Kind switch
            {
                PeftKeyKind.LoraA => PeftKey.LoraA(name),
                PeftKeyKind.LoraB => PeftKey.LoraB(name),
                _ => PeftKey.Saved(name),
            };
            if (destinations.TryGetValue(canonical, out var destination))
            {
                return (canonical, destination);
            }
        }

        var what = parsed.Kind == PeftKeyKind.Saved ? "a parameter of a module in modules_to_save" : "a module in target_modules";
        throw new ModelFormatException(path, $"unexpected tensor '{key}': '{parsed.Name}' is not {what} of this adapter and model");
    }

    private void AttachSavedModules(List<(string Name, nn.Module Module)> modules)
    {
        if (Config.ModulesToSave.Count == 0)
        {
            return;
        }

        var matched = modules.Where(m => LoraTargetRule.IsSavedModule(Config, m.Name)).ToList();
        foreach (var wanted in Config.ModulesToSave)
        {
            if (!matched.Any(m => m.Name.EndsWith(wanted, StringComparison.Ordinal)))
            {
                var hint = wanted == "lm_head" && Model.Config.TieWordEmbeddings ? " (this model ties lm_head to embed_tokens, so it has no lm_head)" : string.Empty;
                throw new ArgumentException($"modules_to_save entry '{wanted}' matches no module of the model{hint}");
            }
        }

        using var noGrad = no_grad();
        foreach (var (name, module) in matched)
        {
            if (Model.Config.TieWordEmbeddings && name == "model.embed_tokens")
            {
                // PEFT would train a copy and leave the tied output projection on the original; here both share one tensor.
                throw new ArgumentException("modules_to_save cannot hold embed_tokens of a model with tied embeddings (it is also the output projection)");
            }

            foreach (var (parameterName, parameter) in module.named_parameters())
            {
                var fullName = name + "." + parameterName;
                if (_saved.Any(s => s.Name == fullName))
                {
                    continue; // nested matches (a module inside another saved module)
                }

                _saved.Add(new SavedParameter(fullName, parameter, parameter.detach().clone(), parameter.requires_grad));
            }
        }
    }

    /// <summary>A model parameter owned by the adapter while attached, with the base value to restore.</summary>
    private sealed record SavedParameter(string Name, Parameter Parameter, Tensor Original, bool RequiredGrad);
}
