using System.Text.RegularExpressions;

namespace TokenSkip.Models.Lora;

/// <summary>
/// PEFT's lookup of <c>rank_pattern</c>/<c>alpha_pattern</c> keys: the first key K for which the module name
/// matches <c>(.*\.)?(K)$</c>, i.e. K (a name or a regex) matches a dot-separated tail of the name.
/// </summary>
internal static class LoraPatternKey
{
    public static string? Find(IEnumerable<string> keys, string moduleName) =>
        keys.FirstOrDefault(key => Regex.IsMatch(moduleName, @"\A(?:.*\.)?(?:" + key + @")\z", RegexOptions.CultureInvariant));
}
