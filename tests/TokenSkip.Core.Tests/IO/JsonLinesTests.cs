using TokenSkip.Core.IO;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Core.Tests.IO;

public sealed class JsonLinesTests
{
    private sealed record Row(int Id, string Text);

    [Fact]
    public void WrittenRecordsReadBackInOrderWithUnicodeKeptReadable()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("a", "rows.jsonl");

        JsonLines.WriteAll(path, [new Row(1, "5 × 3 = 15 €"), new Row(2, "two\nlines")]);

        Assert.Contains("5 × 3 = 15 €", File.ReadAllText(path));
        Assert.Equal([new Row(1, "5 × 3 = 15 €"), new Row(2, "two\nlines")], JsonLines.Read<Row>(path));
    }

    [Fact]
    public void ATornLastLineIsSkippedOnReadAndCutBeforeTheNextAppend()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("rows.jsonl");
        JsonLines.Append(path, new Row(1, "a"));
        File.AppendAllText(path, "{\"Id\":2,\"Te");

        Assert.Equal([new Row(1, "a")], JsonLines.Read<Row>(path));

        JsonLines.PrepareForAppend(path);
        JsonLines.Append(path, new Row(3, "c"));
        Assert.Equal([new Row(1, "a"), new Row(3, "c")], JsonLines.Read<Row>(path));
    }

    [Fact]
    public void AMalformedLineInTheMiddleIsAnErrorNamingFileAndLine()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("rows.jsonl");
        File.WriteAllText(path, "{\"Id\":1,\"Text\":\"a\"}\nnot json\n{\"Id\":2,\"Text\":\"b\"}\n");

        var error = Assert.Throws<FormatException>(() => JsonLines.Read<Row>(path).ToList());

        Assert.Contains("rows.jsonl: line 2", error.Message);
    }

    [Fact]
    public void AtomicWritesLeaveNoTemporaryFilesAndReplaceTheTarget()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("out.txt");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("boom")));
        Assert.Equal("old", File.ReadAllText(path));
        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }
}
