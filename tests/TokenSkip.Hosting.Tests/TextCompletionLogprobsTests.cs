using System.Text.Json.Nodes;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Loading;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Hosting.Tests;

/// <summary><c>/v1/completions</c> with <c>echo</c>, <c>logprobs</c> and <c>max_tokens: 0</c>, as vLLM and OpenAI's legacy API answer them.</summary>
[Collection(ServerCollection.Name)]
public sealed class TextCompletionLogprobsTests(ServedModelFixture model)
{
    private string Prompt => ChatTemplates.For(ModelFamily.Qwen2).Render([new PromptMessage(PromptMessage.UserRole, Requests.Question)], true);

    // log p(ids[i] | ids[..i]) for i >= 1, from one forward pass of a fresh copy of the model.
    private double[] Reference(IReadOnlyList<int> ids)
    {
        using var bundle = ModelBundle.Load(model.Folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = bundle.Model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0].log_softmax(-1);
        return [double.NaN, .. Enumerable.Range(1, ids.Count - 1).Select(i => (double)rows[i - 1, ids[i]].item<float>())];
    }

    private static JsonNode Logprobs(JsonNode completion) => completion["choices"]![0]!["logprobs"]!;

    private static double?[] TokenLogprobs(JsonNode completion) => [.. Logprobs(completion)["token_logprobs"]!.AsArray().Select(v => (double?)v)];

    private static string[] Tokens(JsonNode completion) => [.. Logprobs(completion)["tokens"]!.AsArray().Select(v => (string)v!)];

    private static int[] Offsets(JsonNode completion) => [.. Logprobs(completion)["text_offset"]!.AsArray().Select(v => (int)v!)];

    private static async Task<JsonNode> CompleteAsync(RunningServer server, JsonObject body)
    {
        using var response = await server.PostAsync("v1/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task EchoWithMaxTokensZeroScoresThePromptAsAForwardPassDoes()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var ids = model.Tokenizer.Encode(Prompt);
        var reference = Reference(ids);

        var completion = await CompleteAsync(server, new JsonObject { ["prompt"] = Prompt, ["echo"] = true, ["logprobs"] = 1, ["max_tokens"] = 0 });

        var choice = completion["choices"]![0]!;
        Assert.Equal(Prompt, (string?)choice["text"]);
        Assert.Equal("length", (string?)choice["finish_reason"]);
        Assert.Equal(0, (int)completion["usage"]!["completion_tokens"]!);
        Assert.Equal(ids.Count, (int)completion["usage"]!["total_tokens"]!);
        var tokens = Tokens(completion);
        var logprobs = TokenLogprobs(completion);
        var top = Logprobs(completion)["top_logprobs"]!.AsArray();
        Assert.Equal(ids.Count, tokens.Length);
        Assert.Equal(Prompt, string.Concat(tokens));
        Assert.Equal(tokens.Select((_, i) => tokens.Take(i).Sum(t => t.Length)), Offsets(completion));
        Assert.Null(logprobs[0]);
        Assert.Null(top[0]);
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.Equal(reference[i], logprobs[i]!.Value, 1e-4);
            var alternatives = top[i]!.AsObject();
            Assert.InRange(alternatives.Count, 1, 2); // the token itself and the most likely one
            Assert.Equal(logprobs[i], (double?)alternatives[tokens[i]]);
            Assert.True(alternatives.Max(a => (double)a.Value!) >= logprobs[i]!.Value);
        }
    }

    [Fact]
    public async Task EchoPutsThePromptBeforeTheCompletionAndScoresBoth()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var ids = model.Tokenizer.Encode(Prompt);
        var expected = model.Generate(ids, new GenerationOptions { MaxNewTokens = 6, IgnoreEndOfSequence = true });

        var completion = await CompleteAsync(server,
            new JsonObject { ["prompt"] = Prompt, ["echo"] = true, ["logprobs"] = 2, ["max_tokens"] = 6, ["ignore_eos"] = true });

        Assert.Equal(Prompt + expected.Text, (string?)completion["choices"]![0]!["text"]);
        Assert.Equal(6, (int)completion["usage"]!["completion_tokens"]!);
        var tokens = Tokens(completion);
        var offsets = Offsets(completion);
        var logprobs = TokenLogprobs(completion);
        var top = Logprobs(completion)["top_logprobs"]!.AsArray();
        Assert.Equal(ids.Count + 6, tokens.Length);
        Assert.Equal(Prompt.Length, offsets[ids.Count]);
        Assert.Equal(expected.Text, string.Concat(tokens.Skip(ids.Count)));
        for (var i = ids.Count; i < tokens.Length; i++)
        {
            // Greedy: the chosen token is the most likely one, and up to 2 alternatives besides it come along.
            var alternatives = top[i]!.AsObject();
            Assert.InRange(alternatives.Count, 2, 3);
            Assert.Equal(alternatives.Max(a => (double)a.Value!), logprobs[i]!.Value, 1e-9);
            Assert.Equal(offsets[i - 1] + tokens[i - 1].Length, offsets[i]);
        }
    }

    [Fact]
    public async Task WithoutEchoOnlyTheCompletionIsScored()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var ids = model.Tokenizer.Encode(Prompt);
        var expected = model.Generate(ids, new GenerationOptions { MaxNewTokens = 5, IgnoreEndOfSequence = true });
        var reference = Reference([.. ids, .. expected.OutputIds]);

        var completion = await CompleteAsync(server, new JsonObject { ["prompt"] = Prompt, ["logprobs"] = 0, ["max_tokens"] = 5, ["ignore_eos"] = true });

        Assert.Equal(expected.Text, (string?)completion["choices"]![0]!["text"]);
        Assert.Equal(5, Tokens(completion).Length);
        Assert.Equal(0, Offsets(completion)[0]);
        Assert.All(Logprobs(completion)["top_logprobs"]!.AsArray(), t => Assert.Single(t!.AsObject()));
        var logprobs = TokenLogprobs(completion);
        Assert.All(Enumerable.Range(0, 5), k => Assert.Equal(reference[ids.Count + k], logprobs[k]!.Value, 1e-4));
    }

    [Fact]
    public async Task AStreamWithEchoOpensWithThePrompt()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var expected = model.Generate(model.Tokenizer.Encode(Prompt), new GenerationOptions { MaxNewTokens = 4, IgnoreEndOfSequence = true });

        using var response = await server.PostStreamingAsync("v1/completions",
            new JsonObject { ["prompt"] = Prompt, ["echo"] = true, ["max_tokens"] = 4, ["ignore_eos"] = true, ["stream"] = true });
        var sse = await ServerSentEvents.ReadAsync(response);

        Assert.True(sse.Done);
        Assert.Equal(Prompt, (string?)sse.Events[0]["choices"]![0]!["text"]);
        Assert.Equal(Prompt + expected.Text, sse.Text);
    }

    [Fact]
    public async Task AChunkedPrefillScoresThePromptTheSame()
    {
        var body = new JsonObject { ["prompt"] = Prompt, ["echo"] = true, ["logprobs"] = 0, ["max_tokens"] = 0 };
        double?[] whole;
        await using (var server = await RunningServer.StartAsync(model.Folder))
        {
            whole = TokenLogprobs(await CompleteAsync(server, body.DeepClone().AsObject()));
        }

        await using var chunked = await RunningServer.StartAsync(model.Folder, options => options.PrefillChunkTokens = 5);
        var pieces = TokenLogprobs(await CompleteAsync(chunked, body));

        Assert.Equal(whole.Length, pieces.Length);
        Assert.All(Enumerable.Range(1, whole.Length - 1), i => Assert.Equal(whole[i]!.Value, pieces[i]!.Value, 1e-4));
    }

    [Fact]
    public async Task TheRemoteScorerOverTheServerGivesTheLocalScorersWordScores()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        string[] texts =
        [
            "Tom has 5 apples. He buys 2 more, so 5 + 2 = 7.\n\nThe final answer is: $\\boxed{7}$",
            "She sells 12 eggs at $3 each: 12 * 3 = 36 dollars.",
            "A caf\u00e9 costs 4 \u20ac.",
            "   ",
        ];
        using var local = SurprisalScorer.Load(model.Folder);
        var source = new HttpPromptLogprobSource(server.Client);
        using var remote = new RemoteSurprisalScorer(source, server.ApiRoot.ToString(), new RemoteSurprisalOptions { MaxConcurrency = 4 });

        var expected = local.Score(texts);
        var actual = remote.Score(texts);

        Assert.Equal(3, source.Requests); // the blank text has no words and is not sent
        for (var t = 0; t < texts.Length; t++)
        {
            Assert.Equal(expected[t].Words.Select(w => (w.Form, w.Span)), actual[t].Words.Select(w => (w.Form, w.Span)));
            Assert.All(expected[t].Words.Zip(actual[t].Words), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-3));
        }
    }
}
