using TokenSkip.Models.Tokenization;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Tokenization;

public sealed class TokenizerLoaderTests
{
    private const string PieceVocabulary = """{"pieces": ["<unk>", "<s>", "</s>", "a"]}""";

    [Fact]
    public void PrefersTokenizerJson()
    {
        using var folder = new TempFolder();
        TinyTokenizerJson.WriteTo(folder, TinyTokenizerJson.Create());
        folder.Write("vocab.json", PieceVocabulary);

        Assert.IsType<HfTokenizer>(TokenizerLoader.TryLoad(folder.Path));
    }

    [Fact]
    public void FallsBackToPieceVocabulary()
    {
        using var folder = new TempFolder();
        folder.Write("vocab.json", PieceVocabulary);

        var tokenizer = Assert.IsType<PieceVocabularyTokenizer>(TokenizerLoader.TryLoad(folder.Path));

        Assert.Equal(4, tokenizer.VocabularySize);
    }

    [Fact]
    public void ReturnsNullForAFolderWithoutTokenizer()
    {
        using var folder = new TempFolder();

        Assert.Null(TokenizerLoader.TryLoad(folder.Path));
        Assert.Null(TokenizerLoader.TryLoad(Path.Combine(folder.Path, "absent")));
    }

    [SkippableFact]
    public void LoadsTheStories260kModelFolder()
    {
        var stories = TokenizerLoader.TryLoad(SharedAssets.Require("models/stories260k"));

        Assert.IsType<PieceVocabularyTokenizer>(stories);
        Assert.Equal("Once", stories.Decode([1, 403]));
    }
}
