using System.Text.RegularExpressions;

namespace TokenSkip.Models.Lora;

/// <summary>
/// Which modules of a model a <see cref="LoraConfig"/> adapts, decided as PEFT's <c>check_target_module_exists</c>
/// does: excluded modules and modules to save never; a regex <c>target_modules</c> must match the whole name; a
/// list entry matches the name or its dot-separated tail; <c>layers_to_transform</c> then keeps only modules inside
/// the listed layer indices (the first numbered segment after <c>layers_pattern</c>, or after any name).
/// </summary>
internal static class LoraTargetRule
{
    public static bool IsTarget(LoraConfig config, string moduleName)
    {
        if (config.ExcludeModules?.Matches(moduleName) == true || IsModuleToSave(config, moduleName))
        {
            return false;
        }

        if (!config.TargetModules.Matches(moduleName))
        {
            return false;
        }

        // PEFT applies layers_to_transform only to list entries matched as a name's tail, not to a regex or an exact name.
        if (config.TargetModules.Pattern is not null || config.TargetModules.Names!.Contains(moduleName) ||
            config.LayersToTransform is not { Count: > 0 } layers)
        {
            return true;
        }

        var index = LayerIndex(moduleName, config.LayersPattern);
        return index is { } i && layers.Contains(i);
    }

    /// <summary>
    /// True when the module lies inside one named by <c>modules_to_save</c> (PEFT's exclusion rule
    /// <c>(^|.*\.)name($|\..*)</c>), which LoRA must never also adapt.
    /// </summary>
    public static bool IsModuleToSave(LoraConfig config, string moduleName) =>
        config.ModulesToSave.Any(m => Regex.IsMatch(moduleName, @"\A(?:.*\.)?" + Regex.Escape(m) + @"(?:\..*)?\z", RegexOptions.CultureInvariant));

    /// <summary>PEFT's selection of the module a <c>modules_to_save</c> entry wraps: any module whose name ends with it.</summary>
    public static bool IsSavedModule(LoraConfig config, string moduleName) =>
        config.ModulesToSave.Any(m => moduleName.EndsWith(m, StringComparison.Ordinal));

    private static int? LayerIndex(string moduleName, IReadOnlyList<string>? layersPattern)
    {
        // Lazy: the first numbered segment is the layer index (not, say, an expert index further down).
        var patterns = layersPattern is { Count: > 0 } ? layersPattern.Select(p => @"\A.*?\." + p + @"\.(\d+)\.") : [@"\A.*?\.[^.]*\.(\d+)\."];
        foreach (var pattern in patterns)
        {
            var match = Regex.Match(moduleName, pattern, RegexOptions.CultureInvariant);
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
