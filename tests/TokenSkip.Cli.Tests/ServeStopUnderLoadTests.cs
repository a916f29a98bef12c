using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

/// <summary>
/// Stopping <c>tokenskip serve</c> while requests run and wait: every accepted request completes or ends with a clean
/// error (a 503 <c>model_unavailable</c>, or an SSE error event then <c>[DONE]</c>), requests after the signal get 503,
/// and the process exits with 0, not a native crash. 20 cycles: both signals, a drain that lets everything finish and one
/// that cuts, five times each.
/// </summary>
public sealed partial class ServeStopUnderLoadTests : IClassFixture<ServeStopUnderLoadTests.ModelFolder>
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private const int Requests = 12;
    private readonly ModelFolder _model;

    public ServeStopUnderLoadTests(ModelFolder model) => _model = model;

    public static TheoryData<int, double, int> Cycles()
    {
        var data = new TheoryData<int, double, int>();
        for (var repetition = 0; repetition < 5; repetition++)
        {
            foreach (var signal in new[] { SigTerm, SigInt })
            {
                data.Add(signal, 60, repetition); // long drain: everything accepted finishes
                data.Add(signal, 0.2, repetition); // short drain: what is left is cut cleanly
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cycles))]
    public async Task StoppingUnderLoadEndsEveryRequestCleanlyAndExitsWithZero(int signal, double shutdownSeconds, int repetition)
    {
        using var server = await ServeProcess.StartAsync("--model", _model.Path, "--port", "0", "--threads", "1",
            "--max-batch-size", "1", "--shutdown-timeout", shutdownSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(120) };
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, Requests).Select(i => SendAsync(client, stream: i % 2 == 0, streaming)).ToArray();
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(60)); // a stream is decoding
        await Task.Delay(100); // the other requests arrive; one decodes, the rest wait

        server.Signal(signal);
        var late = await SendAfterSignalAsync(client);
        var outcomes = await Task.WhenAll(requests);
        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(code == 0, $"repetition {repetition}: exit code {code}\n{server.Log}");
        var pending = PendingAtSignal().Match(server.Log);
        Assert.True(pending.Success && int.Parse(pending.Groups[1].Value) > 1, $"expected running and queued requests at the signal ({string.Join(", ", outcomes)}):\n{server.Log}");
        Assert.All(outcomes, outcome => Assert.True(outcome is "completed" or "cut cleanly", $"{outcome}\n{server.Log}"));
        if (shutdownSeconds >= 60)
        {
            Assert.All(outcomes, outcome => Assert.Equal("completed", outcome));
        }

        Assert.True(late is "503" or "refused", $"a request after the signal got {late}");
    }

    private static async Task<string> SendAsync(HttpClient client, bool stream, TaskCompletionSource streaming)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is 12 + 30?" }),
            ["max_tokens"] = 380,
            ["ignore_eos"] = true,
            ["stream"] = stream,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (stream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (stream && response.StatusCode == HttpStatusCode.OK)
            {
                streaming.TrySetResult();
            }

            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return (string?)JsonNode.Parse(text)?["error"]?["code"] == "model_unavailable" ? "cut cleanly" : $"503 without error code: {text}";
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"{(int)response.StatusCode}: {text}";
            }

            if (!stream)
            {
                return (string?)JsonNode.Parse(text)?["choices"]?[0]?["finish_reason"] == "length" ? "completed" : $"odd body: {text}";
            }

            var events = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
            if (events is not [.., "[DONE]"])
            {
                return $"stream cut without [DONE] after {events.Count} events";
            }

            var last = JsonNode.Parse(events[^2]);
            return last?["error"] is { } error
                ? (string?)error["code"] == "model_unavailable" ? "cut cleanly" : $"error event: {error.ToJsonString()}"
                : "completed";
        }
        catch (HttpRequestException e)
        {
            return $"connection failed: {e.Message}";
        }
    }

    private static async Task<string> SendAfterSignalAsync(HttpClient client)
    {
        await Task.Delay(100);
        try
        {
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(
                """{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}""", Encoding.UTF8, "application/json"));
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return "refused"; // the drain was so short that the listener had already closed
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"refusing new requests; (\d+) accepted requests")]
    private static partial System.Text.RegularExpressions.Regex PendingAtSignal();

    /// <summary>One tiny chat model folder for all cycles.</summary>
    public sealed class ModelFolder : IDisposable
    {
        private readonly TempFolder _folder = new();

        public ModelFolder() => TinyChatModel.Write(_folder.Path);

        public string Path => _folder.Path;

        public void Dispose() => _folder.Dispose();
    }
}
