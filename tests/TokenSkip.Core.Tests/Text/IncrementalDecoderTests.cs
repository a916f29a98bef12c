using System.Text;
using TokenSkip.Core.Text;
using Xunit;

namespace TokenSkip.Core.Tests.Text;

public sealed class IncrementalDecoderTests
{
    private static readonly byte[] Emoji = Encoding.UTF8.GetBytes("😀"); // F0 9F 98 80

    private static (List<string> Pushes, string Flushed) Stream(ITextTokenizer tokenizer, IEnumerable<int> ids)
    {
        var decoder = new IncrementalDecoder(tokenizer);
        var pushes = ids.Select(decoder.Push).ToList();
        return (pushes, decoder.Flush());
    }

    [Fact]
    public void EmojiSplitOverThreeTokensIsHeldUntilComplete()
    {
        var tokenizer = new ByteTokenizerStub(
            ByteTokenizerStub.Text("<bos>"), ByteTokenizerStub.Text("Hi "), Emoji[..2], Emoji[2..3], Emoji[3..], ByteTokenizerStub.Text(" ok"));
        int[] ids = [1, 2, 3, 4, 5];

        var (pushes, flushed) = Stream(tokenizer, ids);

        Assert.Equal(["Hi ", "", "", "😀", " ok"], pushes);
        Assert.Equal("", flushed);
        Assert.Equal(tokenizer.Decode(ids), string.Concat(pushes) + flushed);
    }

    [Fact]
    public void TextBeforeAnUnfinishedCharacterIsEmittedAtOnce()
    {
        var ni = Encoding.UTF8.GetBytes("你"); // E4 BD A0
        var tokenizer = new ByteTokenizerStub(ByteTokenizerStub.Text("<bos>"), [.. ByteTokenizerStub.Text(" x"), ni[0]], ni[1..]);

        var (pushes, flushed) = Stream(tokenizer, [1, 2]);

        Assert.Equal([" x", "你"], pushes);
        Assert.Equal("", flushed);
    }

    [Fact]
    public void InvalidByteIsEmittedWithTheNextTextOrOnFlush()
    {
        var tokenizer = new ByteTokenizerStub(ByteTokenizerStub.Text("<bos>"), [0x80], ByteTokenizerStub.Text("a"));

        var (pushes, flushed) = Stream(tokenizer, [1, 2, 1]);

        Assert.Equal(["", "\uFFFDa", ""], pushes);
        Assert.Equal("\uFFFD", flushed);
    }

    [Fact]
    public void LeadingSpaceAfterBosIsDroppedAsTheTokenizerDoes()
    {
        var tokenizer = new ByteTokenizerStub(ByteTokenizerStub.Text("<bos>"), ByteTokenizerStub.Text(" Once"), ByteTokenizerStub.Text(" upon"));
        int[] ids = [ByteTokenizerStub.Bos, 1, 2];

        var (pushes, flushed) = Stream(tokenizer, ids);

        Assert.Equal(["", "Once", " upon"], pushes);
        Assert.Equal("Once upon", string.Concat(pushes) + flushed);
    }

    [Fact]
    public void LongRunOfInvalidBytesKeepsTheWindowSmallAndStillCompletesALaterEmoji()
    {
        var tokenizer = new ByteTokenizerStub(ByteTokenizerStub.Text("<bos>"), [0x80], Emoji[..1], Emoji[1..2], Emoji[2..]);
        var ids = Enumerable.Repeat(1, 1000).Concat([2, 3, 4]).ToArray();

        var decoder = new IncrementalDecoder(tokenizer);
        var pushes = ids.Select(decoder.Push).ToList();
        var flushed = decoder.Flush();

        Assert.True(tokenizer.LongestDecode <= 10, $"decoded windows of up to {tokenizer.LongestDecode} ids");
        Assert.EndsWith("😀", pushes[^1], StringComparison.Ordinal);
        Assert.Equal(tokenizer.Decode(ids), string.Concat(pushes) + flushed);
    }

    [Fact]
    public void ConcatenationEqualsDecodeOnRandomByteStreams()
    {
        // Tokens cut valid text at every byte offset, plus stray and truncated bytes.
        var source = Encoding.UTF8.GetBytes("a é 你好 😀 🤖 𝔘 z\n");
        List<byte[]> tokens = [ByteTokenizerStub.Text("<bos>"), [0x80], [0xFF], [0xF0, 0x9F], [0xE4]];
        for (var i = 0; i < source.Length; i++)
        {
            tokens.Add(source[i..(i + 1)]);
            if (i + 2 <= source.Length)
            {
                tokens.Add(source[i..(i + 2)]);
            }
        }

        var tokenizer = new ByteTokenizerStub([.. tokens]);
        var random = new Random(1234);
        for (var trial = 0; trial < 500; trial++)
        {
            var ids = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, tokens.Count)).ToArray();

            var (pushes, flushed) = Stream(tokenizer, ids);

            Assert.Equal(tokenizer.Decode(ids), string.Concat(pushes) + flushed);
        }
    }

    [Fact]
    public void UnknownIdThrowsAndLeavesTheDecoderUsable()
    {
        var tokenizer = new ByteTokenizerStub(ByteTokenizerStub.Text("<bos>"), ByteTokenizerStub.Text("a"), ByteTokenizerStub.Text("b"));
        var decoder = new IncrementalDecoder(tokenizer);
        Assert.Equal("a", decoder.Push(1));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Push(99));

        Assert.Equal(99, error.ActualValue);
        Assert.Equal("b", decoder.Push(2));
        Assert.Equal("", decoder.Flush());
    }

    [Fact]
    public void FlushResetsForTheNextStream()
    {
        var tokenizer = new ByteTokenizerStub(ByteTokenizerStub.Text("<bos>"), Emoji[..2], ByteTokenizerStub.Text("x"));
        var decoder = new IncrementalDecoder(tokenizer);

        Assert.Equal("", decoder.Push(1));
        Assert.Equal("\uFFFD", decoder.Flush());
        Assert.Equal("x", decoder.Push(2));
        Assert.Equal("", decoder.Flush());
    }
}
