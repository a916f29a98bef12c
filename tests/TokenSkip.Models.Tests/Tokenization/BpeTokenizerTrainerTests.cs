using TokenSkip.Models.Tokenization;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Tokenization;

public sealed class BpeTokenizerTrainerTests
{
    private static readonly string[] Corpus = Enumerable.Range(0, 200)
        .Select(i => $"Mia has {i} apples. She buys {i % 7 + 2} more apples, so she has {i} + {i % 7 + 2} = {i + i % 7 + 2} apples.\nThe final answer is: $\\boxed{{{i + i % 7 + 2}}}$")
        .ToArray();

    [Fact]
    public void TrainedTokenizerLoadsLikeQwensAndRoundTripsAnyText()
    {
        using var folder = new TempFolder();
        BpeTokenizerTrainer.Train(Corpus, folder.Path, new BpeTrainingOptions { VocabularySize = 300 });

        var tokenizer = HfTokenizer.Load(folder.Path);

        Assert.Equal(303, tokenizer.VocabularySize);
        foreach (var text in Corpus.Take(20).Append("Unseen: naïve café 🙂 ×÷ <|eot_id|>0.6<|eot_id|>"))
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }

        Assert.Equal("<|im_end|>", tokenizer.EosToken);
    }

    [Fact]
    public void MergesFrequentWordsKeepsDigitsSingleAndMapsSpecialTokens()
    {
        using var folder = new TempFolder();
        BpeTokenizerTrainer.Train(Corpus, folder.Path, new BpeTrainingOptions { VocabularySize = 320 });
        var tokenizer = HfTokenizer.Load(folder.Path);

        Assert.Single(tokenizer.Encode(" apples"));
        Assert.Equal(5, tokenizer.Encode("12345").Count);
        Assert.Equal([tokenizer.VocabularySize - 1], tokenizer.Encode("<|im_end|>"));
        Assert.Equal([tokenizer.VocabularySize - 3], tokenizer.Encode("<|endoftext|>"));
        var corpusTokens = Corpus.Sum(t => tokenizer.Encode(t).Count);
        var corpusChars = Corpus.Sum(t => t.Length);
        Assert.True(corpusTokens < corpusChars / 2.5, $"{corpusTokens} tokens for {corpusChars} characters");
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        BpeTokenizerTrainer.Train(Corpus, a.Path, new BpeTrainingOptions { VocabularySize = 280 });
        BpeTokenizerTrainer.Train(Corpus.Reverse(), b.Path, new BpeTrainingOptions { VocabularySize = 280 });

        Assert.Equal(File.ReadAllText(a.Combine("tokenizer.json")), File.ReadAllText(b.Combine("tokenizer.json")));
    }

    [Fact]
    public void TooSmallVocabulariesAreRejected()
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTokenizerTrainer.Train(Corpus, folder.Path, new BpeTrainingOptions { VocabularySize = 100 }));
    }
}
