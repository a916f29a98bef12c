using System.Net;
using System.Text;
using System.Text.Json;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using Xunit;

namespace TokenSkip.Core.Tests.Remote;

/// <summary><see cref="OpenAICompatibleEngine"/> over scripted replicas: balancing, retries, failover and prompt scoring.</summary>
public sealed class OpenAICompatibleEngineReplicaTests
{
    private static readonly GenerationRequest Request = new() { PromptText = "Q?", Options = new GenerationOptions { MaxNewTokens = 8 } };

    [Fact]
    public async Task ARefusingReplicaIsTakenOutAndItsRequestsGoElsewhere()
    {
        var replicas = new ScriptedReplicas().Down("a").Serve("b", (_, _) => ScriptedReplicas.Ok(ScriptedReplicas.Sse("x", "y")));
        using var engine = Engine(replicas, ["a", "b"]);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("xy", await TextAsync(engine));
        }

        Assert.Equal(4, replicas.Calls("b"));
        Assert.True(replicas.Calls("a") <= 1); // one refused connection takes it out
    }

    [Fact]
    public async Task AReplicaLostMidReplyIsRetriedWholeOnAnotherWithNothingRepeated()
    {
        var replicas = new ScriptedReplicas()
            .Serve("a", (_, _) => ScriptedReplicas.BreaksAfter("data: {\"choices\":[{\"text\":\"x\"}]}\n\ndata: {\"choi"))
            .Serve("b", (_, _) => ScriptedReplicas.Ok(ScriptedReplicas.Sse("x", "y", "z")));
        using var engine = Engine(replicas, ["a", "b"], StreamFailover.WholeReply);

        var updates = await UpdatesAsync(engine, Request);

        Assert.Equal("xyz", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(3, updates[^1].Usage!.CompletionTokens);
        Assert.Equal(FinishReason.Stop, updates[^1].FinishReason);
        Assert.Equal(1, replicas.Calls("a"));
    }

    [Fact]
    public async Task AStreamCutWithoutItsEndIsAFailureNotAShortReply()
    {
        var replicas = new ScriptedReplicas()
            .Serve("a", (_, _) => ScriptedReplicas.Ok("data: {\"choices\":[{\"text\":\"x\"}]}\n\n")) // closed: no finish, no [DONE]
            .Serve("b", (_, _) => ScriptedReplicas.Ok(ScriptedReplicas.Sse("x", "y")));
        using var engine = Engine(replicas, ["a", "b"], StreamFailover.WholeReply);

        Assert.Equal("xy", await TextAsync(engine));
        Assert.Equal(1, replicas.Calls("a"));
    }

    [Fact]
    public async Task StreamingFailsOverBeforeTheFirstTokenButNotAfter()
    {
        var replicas = new ScriptedReplicas()
            .Serve("a", (_, call) => call == 1
                ? ScriptedReplicas.Status(HttpStatusCode.ServiceUnavailable)
                : ScriptedReplicas.BreaksAfter("data: {\"choices\":[{\"text\":\"x\"}]}\n\n"))
            .Serve("b", (_, _) => ScriptedReplicas.Ok(ScriptedReplicas.Sse("p", "q")));
        using var engine = Engine(replicas, ["a", "b"], StreamFailover.BeforeFirstToken);

        Assert.Equal("pq", await TextAsync(engine)); // a's 503 came before any token: b answered

        // The next request goes to a (b just took one; a's failure count is below the threshold), which breaks after "x".
        var received = new StringBuilder();
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var update in engine.GenerateAsync(Request))
            {
                received.Append(update.TextDelta);
            }
        });

        Assert.Equal("x", received.ToString());
        Assert.Contains("not retried, so that no text is repeated", error.Message);
        Assert.Equal(2, replicas.Calls("a"));
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        var replicas = new ScriptedReplicas().Serve("a", (_, _) => ScriptedReplicas.Status(HttpStatusCode.BadRequest));
        using var engine = Engine(replicas, ["a"]);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => TextAsync(engine));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("http://a:8000/v1/completions answered 400", error.Message);
        Assert.Equal(1, replicas.Calls("a"));
    }

    [Fact]
    public async Task GivesUpAfterTheRetryBudgetNamingTheLastError()
    {
        var replicas = new ScriptedReplicas().Serve("a", (_, _) => ScriptedReplicas.Status(HttpStatusCode.InternalServerError));
        using var engine = Engine(replicas, ["a"], failuresToEject: 100, maxRetries: 3);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => TextAsync(engine));

        Assert.Contains("gave up after 4 attempts: http://a:8000/v1/completions answered 500", error.Message);
        Assert.Equal(4, replicas.Calls("a"));
    }

    [Fact]
    public async Task FailsNamingTheEndpointsWhenEveryReplicaStaysDown()
    {
        var replicas = new ScriptedReplicas().Down("a").Down("b");
        using var engine = Engine(replicas, ["a", "b"], family: ModelFamily.Qwen2, unavailable: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<EndpointsUnavailableException>(() => TextAsync(engine));

        Assert.Contains("http://a:8000/v1/ (out:", error.Message);
        Assert.Contains("http://b:8000/v1/ (out:", error.Message);
    }

    [Fact]
    public async Task AReplicaThatComesBackIsProbedIn()
    {
        var replicas = new ScriptedReplicas().Down("a").Serve("a", (_, _) => ScriptedReplicas.Ok(ScriptedReplicas.Sse("back")));
        using var engine = Engine(replicas, ["a"], family: ModelFamily.Qwen2, unavailable: TimeSpan.FromSeconds(30));

        var waiting = TextAsync(engine); // refused, taken out, then waits for the probe
        while (replicas.Log.Count(c => c.Host == "a" && c.Path.EndsWith("models", StringComparison.Ordinal)) < 2)
        {
            await Task.Delay(5);
        }

        replicas.Down("a", down: false);

        Assert.Equal("back", await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ReadsTheFamilyAndTheOnlyModelFromTheServer()
    {
        var replicas = new ScriptedReplicas().Serve("a", (_, _) => ScriptedReplicas.Ok(ScriptedReplicas.Sse("x")));
        using var engine = new OpenAICompatibleEngine(new OpenAICompatibleEngineOptions { Endpoints = [ScriptedReplicas.Endpoint("a")] }, new HttpClient(replicas));

        await TextAsync(engine);

        Assert.Equal(new EngineInfo("m", ModelFamily.Qwen2, 1024), engine.Info);
        var body = JsonDocument.Parse(replicas.Log.Last(c => c.Body is not null).Body!).RootElement;
        Assert.Equal("m", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ScoresPromptLogprobsRetryingAnOverloadedReplica()
    {
        const string Answer = """
            {"choices":[{"text":"ab c","logprobs":{"tokens":["ab"," c"],"token_logprobs":[null,-1.5],"text_offset":[0,2]}}]}
            """;
        var replicas = new ScriptedReplicas()
            .Serve("a", (_, _) => ScriptedReplicas.Status(HttpStatusCode.TooManyRequests))
            .Serve("b", (_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Answer) });
        using var engine = Engine(replicas, ["a", "b"]);

        var scored = await engine.GetPromptLogprobsAsync("ab c");
        scored = await engine.GetPromptLogprobsAsync("ab c"); // one of the two went to a first, and was retried on b

        Assert.Equal(["ab", " c"], scored.Tokens);
        Assert.Equal([null, -1.5], scored.TokenLogprobs);
        Assert.Equal([0, 2], scored.TextOffsets);
        Assert.True(replicas.Calls("a") >= 1);
        var body = JsonDocument.Parse(replicas.Log.Last(c => c.Host == "b" && c.Body is not null).Body!).RootElement;
        Assert.Equal("ab c", body.GetProperty("prompt").GetString());
        Assert.True(body.GetProperty("echo").GetBoolean());
        Assert.Equal(1, body.GetProperty("logprobs").GetInt32());
        Assert.Equal(0, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("stream", out _));
    }

    [Fact]
    public async Task LogprobsOfTheWrongShapeAreNamed()
    {
        var replicas = new ScriptedReplicas().Serve("a", (_, _) => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"choices":[{"logprobs":{"tokens":["a"],"token_logprobs":[],"text_offset":[0]}}]}"""),
        });
        using var engine = Engine(replicas, ["a"]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => engine.GetPromptLogprobsAsync("a"));

        Assert.Contains("1 tokens, 0 token_logprobs and 1 text_offset", error.Message);
    }

    [Fact]
    public void BadOptionsAreNamed()
    {
        Assert.Contains("endpoints", Assert.Throws<ArgumentException>(() => new OpenAICompatibleEngineOptions().Validate()).Message);
        Assert.Contains("concurrency", Assert.Throws<ArgumentException>(() =>
            new OpenAICompatibleEngineOptions { Endpoints = [new Uri("http://a/v1")], Concurrency = 0 }.Validate()).Message);
        Assert.Contains("ftp://a/v1", Assert.Throws<ArgumentException>(() =>
            new OpenAICompatibleEngineOptions { Endpoints = [new Uri("ftp://a/v1")] }.Validate()).Message);
    }

    private static OpenAICompatibleEngine Engine(ScriptedReplicas replicas, string[] hosts, StreamFailover failover = StreamFailover.WholeReply,
        int failuresToEject = 3, int maxRetries = 6, ModelFamily? family = null, TimeSpan? unavailable = null) =>
        new(new OpenAICompatibleEngineOptions
        {
            Endpoints = hosts.Select(ScriptedReplicas.Endpoint).ToArray(),
            ServedModel = "m",
            Family = family,
            Failover = failover,
            FailuresToEject = failuresToEject,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
            ProbeInterval = TimeSpan.FromMilliseconds(10),
            UnavailableTimeout = unavailable ?? TimeSpan.FromSeconds(30),
        }, new HttpClient(replicas));

    private static async Task<string> TextAsync(OpenAICompatibleEngine engine) =>
        string.Concat((await UpdatesAsync(engine, Request)).Select(u => u.TextDelta));

    private static async Task<List<GenerationUpdate>> UpdatesAsync(IGenerationEngine engine, GenerationRequest request)
    {
        var updates = new List<GenerationUpdate>();
        await foreach (var update in engine.GenerateAsync(request))
        {
            updates.Add(update);
        }

        return updates;
    }
}
