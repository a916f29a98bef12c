using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Turns;
using TokenSkip.Hosting.Api;
using TokenSkip.Pipeline.Synthetic;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// OpenAI <c>tools</c> through the server: accepted and validated, handed to a model that calls tools in its native
/// format, answered as <c>tool_calls</c> with <c>finish_reason: "tool_calls"</c> (whole, or one delta per call when
/// streaming), and kept from a model whose card says it does not call tools.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ServerToolCallTests(ServedModelFixture model)
{
    private const string Output = "Let me add.<tool_call>\n{\"name\": \"math_add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>";

    private static readonly JsonArray Tools = new(new JsonObject
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = "math_add", ["description"] = "Adds two integers.",
            ["parameters"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["a"] = new JsonObject { ["type"] = "integer" } } },
        },
    });

    [SkippableFact]
    public async Task AModelThatDoesNotCallToolsAnswersAsWithoutThemAndTheResponseSaysToolsWereNotOffered()
    {
        Skip.IfNot(model.CallsTools is false, "the served model's card does not say it cannot call tools");
        var logs = new LogCapture();
        await using var server = await RunningServer.StartAsync(model.Folder,
            services: services => services.AddLogging(b => b.AddProvider(logs)));
        foreach (var problem in WordProblemGenerator.Generate(seed: 5151, count: 5))
        {
            var plain = Requests.Chat(problem.Question, maxTokens: 200);
            var offered = plain.DeepClone().AsObject();
            offered["tools"] = Tools.DeepClone();

            var without = JsonNode.Parse(await (await server.PostAsync("v1/chat/completions", plain)).Content.ReadAsStringAsync())!;
            var with = JsonNode.Parse(await (await server.PostAsync("v1/chat/completions", offered)).Content.ReadAsStringAsync())!;

            Assert.Equal((string?)without["choices"]![0]!["message"]!["content"], (string?)with["choices"]![0]!["message"]!["content"]);
            Assert.Equal((int)without["usage"]!["prompt_tokens"]!, (int)with["usage"]!["prompt_tokens"]!);
            Assert.False((bool)with["tools_offered"]!);
        }

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("were not offered", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {"description": "x"}}]}""", "tools[0].function.name")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": 3}}]}""", "tools[0].function.parameters")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}], "tool_choice": "sometimes"}""", "tool_choice")]
    [InlineData("""{"messages": [{"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "[1]"}}]}, {"role": "user", "content": "hi"}]}""", "messages[0].tool_calls[0].function.arguments")]
    public async Task MalformedToolFieldsAre400sNamingTheField(string body, string param)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        using var response = await server.PostAsync("v1/chat/completions", body);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (string?)error["param"]);
    }

    [Fact]
    public async Task ACallInTheOutputIsAnsweredAsToolCalls()
    {
        var http = await RespondAsync(stream: false);
        var body = JsonNode.Parse(http)!;

        var choice = body["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Equal("Let me add.", (string?)choice["message"]!["content"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal("function", (string?)call["type"]);
        Assert.StartsWith("call_", (string?)call["id"]);
        Assert.Equal("math_add", (string?)call["function"]!["name"]);
        Assert.Equal(5, JsonNode.Parse((string)call["function"]!["arguments"]!)!.AsObject().Sum(p => (int)p.Value!));
    }

    [Fact]
    public async Task AStreamSendsTheTextThenTheWholeCallAsOneDeltaAndFinishesWithToolCalls()
    {
        var http = await RespondAsync(stream: true);
        var events = http.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();

        var text = string.Concat(events.Select(e => (string?)e["choices"]![0]!["delta"]!["content"]));
        Assert.Equal("Let me add.", text);
        var callDeltas = events.Where(e => e["choices"]![0]!["delta"]!["tool_calls"] is not null).ToList();
        var call = Assert.Single(callDeltas)["choices"]![0]!["delta"]!["tool_calls"]![0]!;
        Assert.Equal(0, (int)call["index"]!);
        Assert.Equal("math_add", (string?)call["function"]!["name"]);
        Assert.Equal("tool_calls", (string?)events[^1]["choices"]![0]!["finish_reason"]);
        Assert.EndsWith("data: [DONE]", http.TrimEnd());
    }

    // The responder over a scripted generation: the output arrives in small deltas that cut the call tag apart.
    private static async Task<string> RespondAsync(bool stream)
    {
        var updates = Channel.CreateUnbounded<GenerationUpdate>();
        var pieces = Enumerable.Range(0, (Output.Length + 4) / 5).Select(i => Output.Substring(i * 5, Math.Min(5, Output.Length - i * 5))).ToList();
        for (var i = 0; i < pieces.Count; i++)
        {
            var last = i == pieces.Count - 1;
            updates.Writer.TryWrite(new GenerationUpdate(0, null, pieces[i], last ? FinishReason.Stop : null, last ? new GenerationUsage(10, pieces.Count) : null));
        }

        updates.Writer.Complete();
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        var format = new ChatCompletionFormat("chatcmpl-1", 1, "m", null);
        var plan = new SamplingPlan(new TurnSampling(), "max_tokens", stream, false);
        await CompletionResponder.RespondAsync(http, updates.Reader, format, plan, ModelFamily.Qwen2);
        return Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
    }
}
