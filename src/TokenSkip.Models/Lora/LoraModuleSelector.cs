using System.Text.RegularExpressions;

namespace TokenSkip.Models.Lora;

/// <summary>
/// PEFT's way of naming modules in a config field that is either a list of names or one regular expression
/// (<c>target_modules</c>, <c>exclude_modules</c>): a list matches a module whose full name equals an entry or ends
/// with "." + the entry; a string must match the whole module name.
/// </summary>
public sealed class LoraModuleSelector
{
    private readonly Regex? _regex;

    private LoraModuleSelector(IReadOnlyList<string>? names, string? pattern)
    {
        Names = names;
        Pattern = pattern;
        if (pattern is not null)
        {
            _regex = new Regex(@"\A(?:" + FromPython(pattern) + @")\z", RegexOptions.CultureInvariant);
        }
    }

    /// <summary>The names (list form), or null.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <summary>The regular expression (string form), or null.</summary>
    public string? Pattern { get; }

    /// <summary>Selects modules by name suffix.</summary>
    public static LoraModuleSelector FromNames(IEnumerable<string> names)
    {
        var list = names.ToArray();
        if (list.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("module names must not be empty", nameof(names));
        }

        return new LoraModuleSelector(list, null);
    }

    /// <summary>Selects modules whose whole name matches <paramref name="pattern"/> (Python <c>re.fullmatch</c>).</summary>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public static LoraModuleSelector FromPattern(string pattern)
    {
        try
        {
            return new LoraModuleSelector(null, pattern);
        }
        catch (RegexParseException e)
        {
            throw new ArgumentException($"'{pattern}' is not a valid regular expression ({e.Message})", nameof(pattern), e);
        }
    }

    /// <summary>True when <paramref name="moduleName"/> is selected.</summary>
    public bool Matches(string moduleName) => _regex is not null
        ? _regex.IsMatch(moduleName)
        : Names!.Any(n => moduleName == n || moduleName.EndsWith("." + n, StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() => Pattern ?? "[" + string.Join(", ", Names!) + "]";

    // Python spells named groups (?P<name>...); everything else PEFT users write (alternation, classes,
    // quantifiers, \. and \d) means the same in both dialects.
    private static string FromPython(string pattern) => pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
}
