using System.Text.Json;
using TokenSkip.Models.Tokenization;
using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Tokenization;

/// <summary>
/// Loads the real Qwen2.5 tokenizer and its reference cases once per test class. Each accessor skips the
/// calling test (via <see cref="SharedAssets.Require"/>) when ../shared is absent.
/// </summary>
public sealed class QwenTokenizerFixture
{
    private readonly Lazy<HfTokenizer> _tokenizer = new(() => HfTokenizer.Load(SharedAssets.Require("tokenizers/qwen2.5")));
    private readonly Lazy<IReadOnlyList<TokenizerCase>> _cases = new(LoadCases);

    /// <summary>The Qwen2.5 tokenizer from ../shared/tokenizers/qwen2.5.</summary>
    public HfTokenizer Tokenizer
    {
        get
        {
            SharedAssets.Require("tokenizers/qwen2.5/tokenizer.json");
            return _tokenizer.Value;
        }
    }

    /// <summary>The strings and reference ids of ../shared/fixtures/qwen-tokenizer/cases.json.</summary>
    public IReadOnlyList<TokenizerCase> Cases
    {
        get
        {
            SharedAssets.Require("fixtures/qwen-tokenizer/cases.json");
            return _cases.Value;
        }
    }

    private static IReadOnlyList<TokenizerCase> LoadCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedAssets.Require("fixtures/qwen-tokenizer/cases.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new TokenizerCase(
            c.GetProperty("text").GetString()!,
            [.. c.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32())]))];
    }
}
