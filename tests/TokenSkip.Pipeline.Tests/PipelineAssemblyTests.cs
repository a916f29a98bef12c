using Xunit;

namespace TokenSkip.Pipeline.Tests;

public sealed class PipelineAssemblyTests
{
    [Fact]
    public void VersionIsRecorded() => Assert.Matches(@"^\d+\.\d+\.\d+", PipelineAssembly.Version);
}
