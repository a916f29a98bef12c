using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Encoders;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Encoders;

public sealed class WordPieceTokenizerTests
{
    private static WordPieceTokenizer Load(TempFolder folder, string? config = "{\"do_lower_case\": false}")
    {
        File.WriteAllLines(folder.Combine(WordPieceTokenizer.FileName), TinyEncoders.BertVocabulary);
        if (config is not null)
        {
            File.WriteAllText(folder.Combine("tokenizer_config.json"), config);
        }

        return WordPieceTokenizer.Load(folder.Path);
    }

    [Fact]
    public void SplitsPunctuationAndUsesGreedyLongestMatchContinuations()
    {
        using var folder = new TempFolder();
        var tokenizer = Load(folder);
        const string text = "Janet has 16 eggs.\n$2";

        var tokens = tokenizer.Tokenize(text);

        Assert.Equal(["Jan", "##et", "has", "1", "##6", "eggs", ".", "$", "2"], tokens.Select(t => t.Piece));
        Assert.Equal(["Jan", "et", "has", "1", "6", "eggs", ".", "$", "2"], tokens.Select(t => text.Substring(t.Span.Start, t.Span.Length)));
        Assert.Equal(Array.IndexOf(TinyEncoders.BertVocabulary, "##et"), tokens[1].Id);
        Assert.Equal((2, 3, 0, 1), (tokenizer.StartId, tokenizer.EndId, tokenizer.PadId, tokenizer.UnknownId));
    }

    [Fact]
    public void AWordWithoutAWordPieceCoverIsOneUnknownToken()
    {
        using var folder = new TempFolder();
        var tokenizer = Load(folder);

        var tokens = tokenizer.Tokenize("zebra eggs");

        Assert.Equal(["[UNK]", "eggs"], tokens.Select(t => t.Piece));
        Assert.True(tokens[0].IsSpecial);
        Assert.Equal(5, tokens[0].Span.Length);
    }

    [Fact]
    public void LowerCasingFollowsTokenizerConfigAndDefaultsToOn()
    {
        using var cased = new TempFolder();
        using var uncased = new TempFolder();

        Assert.Equal(["[UNK]"], Load(cased).Tokenize("Café").Select(t => t.Piece));
        // Without tokenizer_config.json, Hugging Face lower-cases and strips accents: "Café" -> "cafe".
        var tokens = Load(uncased, config: null).Tokenize("Café");
        Assert.Equal(["cafe"], tokens.Select(t => t.Piece));
        Assert.Equal(4, tokens[0].Span.Length);
    }

    [Fact]
    public void MissingSpecialTokensAreNamed()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder.Combine(WordPieceTokenizer.FileName), ["[PAD]", "[UNK]", "[CLS]", "hello"]);

        var error = Assert.Throws<ModelFormatException>(() => WordPieceTokenizer.Load(folder.Path));

        Assert.Contains("vocab.txt: the vocabulary has no '[SEP]' token", error.Message);
    }
}
