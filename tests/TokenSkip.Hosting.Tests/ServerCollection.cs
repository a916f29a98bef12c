using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>Server tests share one model folder and run one after another (they start servers and model threads).</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServedModelFixture>
{
    public const string Name = "server";
}
