using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Plugins.Tests;

public sealed class PathConfinementTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _data;
    private readonly string _out;
    private readonly string _secret;

    public PathConfinementTests()
    {
        _data = Directory.CreateDirectory(_temp.Combine("data")).FullName;
        _out = Directory.CreateDirectory(_temp.Combine("out")).FullName;
        _secret = _temp.Write("secret.txt", "do not read");
        File.WriteAllText(Path.Combine(_data, "train.jsonl"), "{}");
    }

    private PathConfinement Policy(bool overwrite = false) =>
        new(new PathConfinementOptions { ReadFolders = [_data], WriteFolders = [_out], AllowOverwrite = overwrite });

    [Fact]
    public void ShouldResolveRelativeAndAbsolutePathsInsideTheFolders()
    {
        var policy = Policy();

        Assert.Equal(Path.Combine(_data, "train.jsonl"), policy.ResolveRead("train.jsonl"));
        Assert.Equal(Path.Combine(_data, "train.jsonl"), policy.ResolveRead(Path.Combine(_data, "sub", "..", "train.jsonl")));
        Assert.Equal(Path.Combine(_out, "dataset"), policy.ResolveWrite("dataset"));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("../../etc/passwd")]
    [InlineData("sub/../../secret.txt")]
    public void ShouldRefuseDotDotEscapes(string path)
    {
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveRead(path));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite(path));
    }

    [Fact]
    public void ShouldRefuseAbsolutePathsElsewhere()
    {
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveRead(_secret));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveRead("/etc/passwd"));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite("/tmp/evil"));
    }

    [Fact]
    public void ShouldRefuseASiblingFolderThatSharesThePrefix()
    {
        var sibling = Directory.CreateDirectory(_data + "-evil").FullName;
        File.WriteAllText(Path.Combine(sibling, "x.txt"), "x");

        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveRead(Path.Combine(sibling, "x.txt")));
    }

    [SkippableFact]
    public void ShouldRefuseLinksThatPointOutside()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        File.CreateSymbolicLink(Path.Combine(_data, "link.txt"), _secret);
        Directory.CreateSymbolicLink(Path.Combine(_out, "escape"), _temp.Path);
        File.CreateSymbolicLink(Path.Combine(_out, "dangling"), _temp.Combine("not-yet"));

        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveRead("link.txt"));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite("escape/new.txt"));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite("dangling"));
    }

    [SkippableFact]
    public void ShouldFollowLinksThatStayInside()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        File.CreateSymbolicLink(Path.Combine(_data, "alias.jsonl"), Path.Combine(_data, "train.jsonl"));

        Assert.Equal(Path.Combine(_data, "train.jsonl"), Policy().ResolveRead("alias.jsonl"));
    }

    [Fact]
    public void ShouldRefuseOverwritingUnlessAllowed()
    {
        File.WriteAllText(Path.Combine(_out, "results.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_out, "full"));
        File.WriteAllText(Path.Combine(_out, "full", "a"), "a");
        Directory.CreateDirectory(Path.Combine(_out, "empty"));

        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite("results.json"));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite("full"));
        Assert.Equal(Path.Combine(_out, "empty"), Policy().ResolveWrite("empty"));
        Assert.Equal(Path.Combine(_out, "results.json"), Policy(overwrite: true).ResolveWrite("results.json"));
    }

    [Fact]
    public void ShouldDenyEverythingWithoutFolders()
    {
        var policy = new PathConfinement(new PathConfinementOptions());

        Assert.Throws<UnauthorizedAccessException>(() => policy.ResolveRead(Path.Combine(_data, "train.jsonl")));
        Assert.Throws<UnauthorizedAccessException>(() => policy.ResolveWrite(Path.Combine(_out, "x")));
    }

    [Fact]
    public void ShouldNotLetReadFoldersBeWritten()
    {
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveWrite(Path.Combine(_data, "new.jsonl")));
        Assert.Throws<UnauthorizedAccessException>(() => Policy().ResolveRead("missing\0.txt"));
        Assert.Throws<FileNotFoundException>(() => Policy().ResolveRead("missing.jsonl"));
    }

    public void Dispose() => _temp.Dispose();
}
