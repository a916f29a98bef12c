using System.Text;

namespace TokenSkip.Models.Tokenization;

/// <summary>tokenizer.json's <c>normalizer</c>: a sequence of Unicode normalization forms (NFC for Qwen2.5; none for Llama 3).</summary>
internal sealed class UnicodeNormalizer
{
    /// <summary>The normalizer that leaves text unchanged.</summary>
    public static UnicodeNormalizer None { get; } = new([]);

    private readonly IReadOnlyList<NormalizationForm> _forms;

    public UnicodeNormalizer(IReadOnlyList<NormalizationForm> forms) => _forms = forms;

    /// <summary>The forms applied, in order.</summary>
    public IReadOnlyList<NormalizationForm> Forms => _forms;

    /// <summary>Normalizes <paramref name="text"/>, which must hold no lone surrogates.</summary>
    public string Apply(string text)
    {
        foreach (var form in _forms)
        {
            text = text.Normalize(form);
        }

        return text;
    }
}
