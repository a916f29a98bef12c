using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TokenSkip.Hosting.Metrics;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>The server's System.Diagnostics.Metrics instruments report what happened.</summary>
[Collection(ServerCollection.Name)]
public sealed class MetricsTests(ServedModelFixture model)
{
    [Fact]
    public async Task TokensFirstTokenLatencyBatchSizeAndQueueDepthAreMeasured()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var factory = server.App.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Name, double Value, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this server's meter: other tests' servers publish the same names.
            if (instrument.Meter.Name == ServerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Outcome(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Outcome(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Outcome(tags))));
        listener.Start();

        var body = Requests.Chat(maxTokens: 6);
        body["ignore_eos"] = true;
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await server.PostAsync("v1/chat/completions", body);
            response.EnsureSuccessStatusCode();
        }));
        await server.AssertIdleAsync();
        listener.RecordObservableInstruments();

        double[] Values(string name) => measurements.Where(m => m.Name == name).Select(m => m.Value).ToArray();
        Assert.Equal(18, Values(ServerMetrics.TokensName).Sum());
        Assert.Equal(3, Values(ServerMetrics.TimeToFirstTokenName).Length);
        Assert.All(Values(ServerMetrics.TimeToFirstTokenName), v => Assert.True(v > 0));
        Assert.Equal(["length", "length", "length"], measurements.Where(m => m.Name == ServerMetrics.RequestDurationName).Select(m => m.Outcome));
        Assert.Equal(3, Values(ServerMetrics.TokensPerSecondName).Length);
        // A sequence whose prefill ends in a step also decodes in it: two tokens, one batch member.
        Assert.InRange(Values(ServerMetrics.BatchSizeName).Sum(), 15, 18);
        Assert.InRange(Values(ServerMetrics.BatchSizeName).Max(), 1, 3);
        Assert.Equal([0.0], Values(ServerMetrics.QueueDepthName));
        Assert.Equal([0.0], Values(ServerMetrics.ActiveSequencesName));
    }

    private static string? Outcome(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
