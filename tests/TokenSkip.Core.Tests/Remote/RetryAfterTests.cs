using System.Net;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.TestSupport.Replicas;
using Xunit;

namespace TokenSkip.Core.Tests.Remote;

/// <summary>A replica (a real HTTP server on loopback) that answers 429 or 503 with <c>Retry-After</c> for a while is waited out.</summary>
public sealed class RetryAfterTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task ABusyReplicaIsWaitedOutAsItsRetryAfterAsks(HttpStatusCode status)
    {
        await using var replica = await StubReplica.StartAsync(new StubReplicaOptions
        {
            TokensPerSecond = 1000,
            Refuse = n => n <= 2 ? (status, TimeSpan.FromSeconds(1)) : null,
        });
        using var engine = new OpenAICompatibleEngine(new OpenAICompatibleEngineOptions
        {
            Endpoints = [replica.ApiRoot],
            Failover = StreamFailover.WholeReply,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        });

        var text = string.Empty;
        await foreach (var update in engine.GenerateAsync(new GenerationRequest { PromptText = "Q?", Options = new GenerationOptions { MaxNewTokens = 4 } }))
        {
            text += update.TextDelta;
        }

        Assert.Equal(string.Concat(StubReplica.ReplyFor("Q?", 4)), text);
        Assert.Equal(ModelFamily.Qwen2, engine.Info.Family); // read from /v1/models
        var arrivals = replica.Arrivals.ToArray();
        Assert.Equal(3, arrivals.Length);
        // Retry-After: 1 was honoured each time (a lower bound, whatever the machine's speed; 50 ms for clock granularity).
        Assert.All(arrivals.Zip(arrivals.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(950), $"{pair.Second - pair.First}"));
    }
}
