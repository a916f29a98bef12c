using TokenSkip.Core.Compression;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Encoders;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Encoders;

public sealed class XlmRobertaTokenizerTests
{
    private static readonly XlmRobertaTokenizer Tokenizer = XlmRobertaTokenizer.Load(TinyEncoders.SentencePieceModel);

    [Fact]
    public void PieceIdsAreShiftedByOneIntoFairseqNumbering()
    {
        // Python sentencepiece 0.1.97 on the committed model: [3, 78, 72, 27, 68, 3, 39, 72, 4, 12, 44, 55, 5].
        int[] sentencePieceIds = [3, 78, 72, 27, 68, 3, 39, 72, 4, 12, 44, 55, 5];

        var tokens = Tokenizer.Tokenize("Janet has 16 eggs.");

        Assert.Equal(sentencePieceIds.Select(i => i + 1), tokens.Select(t => t.Id));
        Assert.Equal(["▁", "J", "a", "n", "et", "▁", "h", "a", "s", "▁1", "6", "▁eggs", "."], tokens.Select(t => t.Piece));
    }

    [Fact]
    public void SpecialIdsFollowXlmRoberta()
    {
        Assert.Equal((0, 2, 1, 3), (Tokenizer.StartId, Tokenizer.EndId, XlmRobertaTokenizer.PadId, XlmRobertaTokenizer.UnknownId));
        Assert.Equal(TinyEncoders.SentencePieceCount + 1, Tokenizer.MaskId);
        Assert.Equal(TinyEncoders.SentencePieceCount + 2, Tokenizer.VocabularySize);
        Assert.Equal(3, XlmRobertaTokenizer.ToModelId(0));
        Assert.Equal(5, XlmRobertaTokenizer.ToModelId(4));
    }

    [Fact]
    public void UnknownCharactersBecomeTheSpecialUnknownToken()
    {
        // sentencepiece: ['▁', 'z', 'e', 'b', 'r', 'a'] with 'z' unknown (id 0)
        var tokens = Tokenizer.Tokenize("zebra");

        Assert.Equal([4, 3, 11, 46, 27, 73], tokens.Select(t => t.Id));
        Assert.Equal("<unk>", tokens[1].Piece);
        Assert.True(tokens[1].IsSpecial);
        Assert.Equal(new TextSpan(0, 1), tokens[1].Span);
    }

    [Fact]
    public void SpansPointIntoTheSourceAcrossAnyWhitespace()
    {
        const string text = "  Step 1:\n\n3+4=7";

        var tokens = Tokenizer.Tokenize(text);

        // sentencepiece on "Step 1: 3+4=7": ['▁S', 'tep', '▁1', ':', '▁', '3', '+', '4', '=', '7']
        Assert.Equal(["▁S", "tep", "▁1", ":", "▁", "3", "+", "4", "=", "7"], tokens.Select(t => t.Piece));
        Assert.Equal(["S", "tep", "1", ":", "", "3", "+", "4", "=", "7"], tokens.Select(t => text.Substring(t.Span.Start, t.Span.Length)));
    }

    [Fact]
    public void NormalisedCharactersMapBackToTheirSource()
    {
        // The model's table rewrites "²" to "2", "…" to "..." and "１" to "1".
        const string text = "x² … １6";

        var tokens = Tokenizer.Tokenize(text);

        Assert.Equal(["▁", "x", "2", "▁", ".", ".", ".", "▁1", "6"], tokens.Select(t => t.Piece));
        Assert.Equal(["", "x", "²", "", "…", "…", "…", "１", "6"], tokens.Select(t => text.Substring(t.Span.Start, t.Span.Length)));
    }

    [Fact]
    public void AMissingOrBrokenModelIsNamed()
    {
        using var folder = new TempFolder();
        Assert.Contains("sentencepiece.bpe.model: file not found", Assert.Throws<ModelFormatException>(() => XlmRobertaTokenizer.Load(folder.Path)).Message);

        var broken = folder.Combine(XlmRobertaTokenizer.FileName);
        File.WriteAllText(broken, "not a protobuf");
        Assert.Contains("not a readable SentencePiece model", Assert.Throws<ModelFormatException>(() => XlmRobertaTokenizer.Load(broken)).Message);
    }
}
