using System.Net;
using System.Text.Json.Nodes;
using TokenSkip.Hosting.Worker;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>Clients that leave, and shutdowns with requests in flight: slots come back and the server keeps its promises.</summary>
[Collection(ServerCollection.Name)]
public sealed class FaultTests(ServedModelFixture model)
{
    [Fact]
    public async Task AClientLeavingMidStreamFreesItsSlotAndTheServerKeepsServing()
    {
        var gate = new StepGate();
        await using var server = await RunningServer.StartAsync(model.Folder);
        server.Worker.BeforeStep = gate.Pass;
        var body = Requests.Chat(maxTokens: 400, stream: true);
        body["ignore_eos"] = true;

        var response = await server.PostStreamingAsync("v1/chat/completions", body);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await gate.HeldAsync();
        await gate.StepAsync();
        var firstEvent = await reader.ReadLineAsync();
        Assert.Equal(1, server.Worker.ActiveSequences);
        reader.Dispose();
        response.Dispose(); // closes the connection mid-stream
        gate.Open();

        Assert.StartsWith("data: ", firstEvent);
        await server.AssertIdleAsync();
        using var next = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ACancelledNonStreamingRequestFreesItsSlot()
    {
        var gate = new StepGate();
        await using var server = await RunningServer.StartAsync(model.Folder);
        server.Worker.BeforeStep = gate.Pass;
        using var cancellation = new CancellationTokenSource();
        var body = Requests.Chat(maxTokens: 400);
        body["ignore_eos"] = true;

        var pending = server.PostAsync("v1/chat/completions", body, cancellation.Token);
        await gate.HeldAsync();
        await cancellation.CancelAsync();
        gate.Open();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await server.AssertIdleAsync();
        using var next = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task OnShutdownNewRequestsAreRefusedAndRequestsInFlightFinish()
    {
        var gate = new StepGate();
        var server = await RunningServer.StartAsync(model.Folder, o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        try
        {
            server.Worker.BeforeStep = gate.Pass;
            var body = Requests.Chat(maxTokens: 20, stream: true);
            body["ignore_eos"] = true;
            var response = await server.PostStreamingAsync("v1/chat/completions", body);
            await gate.HeldAsync();

            var stopping = server.App.StopAsync();
            await WaitForAsync(() => server.Worker.State == WorkerState.Stopping);
            var refusedByWorker = Assert.Throws<Errors.ModelUnavailableException>(() =>
                server.Worker.Submit(new Core.Engine.GenerationRequest { PromptIds = [1, 2] }));
            var refusedOverHttp = await IsRefusedAsync(server);
            using var readiness = await server.Client.GetAsync("health/ready");
            gate.Open();
            var sse = await ServerSentEvents.ReadAsync(response);
            await stopping;

            Assert.Contains("shutting down", refusedByWorker.Message);
            Assert.True(refusedOverHttp);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
            Assert.True(sse.Done);
            Assert.Equal("length", (string?)sse.Events[^1]["choices"]![0]!["finish_reason"]);
            Assert.Equal(WorkerState.Stopped, server.Worker.State);
            Assert.Equal(0, server.Worker.ActiveSequences);
        }
        finally
        {
            await server.App.DisposeAsync();
        }
    }

    [Fact]
    public async Task RequestsStillRunningAtTheShutdownTimeoutAreCancelledWithAnErrorEvent()
    {
        var gate = new StepGate();
        var server = await RunningServer.StartAsync(model.Folder, o =>
        {
            o.ShutdownTimeout = TimeSpan.Zero;
            o.MaxBatchSize = 1;
        });
        try
        {
            server.Worker.BeforeStep = gate.Pass;
            var running = Requests.Chat(maxTokens: 400, stream: true);
            running["ignore_eos"] = true;
            var response = await server.PostStreamingAsync("v1/chat/completions", running);
            await gate.HeldAsync();
            var queued = server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
            await WaitForAsync(() => server.Worker.QueuedRequests == 1);

            var stopping = server.App.StopAsync();
            await WaitForAsync(() => server.Worker.State == WorkerState.Stopping);
            gate.Open();
            var sse = await ServerSentEvents.ReadAsync(response);
            using var queuedResponse = await queued;
            await stopping;

            Assert.True(sse.Done); // the error event, then [DONE]
            var error = sse.Events[^1]["error"]!;
            Assert.Equal("model_unavailable", (string?)error["code"]);
            Assert.Contains("shut down", (string?)error["message"]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, queuedResponse.StatusCode);
            Assert.Equal(WorkerState.Stopped, server.Worker.State);
            Assert.Equal(0, server.Worker.ActiveSequences);
            Assert.Equal(0, server.Worker.QueuedRequests);
        }
        finally
        {
            await server.App.DisposeAsync();
        }
    }

    // The worker drains before Kestrel stops, so the listener is still open and a new request gets an OpenAI error.
    private static async Task<bool> IsRefusedAsync(RunningServer server)
    {
        using var response = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 3));
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("\"model_unavailable\"", StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the condition never became true");
    }
}
