using System.Diagnostics.Metrics;

namespace TokenSkip.Hosting.Metrics;

/// <summary>
/// The server's instruments on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics, so OpenTelemetry's
/// <c>AddMeter("TokenSkip.Hosting")</c> or <c>dotnet-counters</c> pick them up). Throughput in tokens/s is the rate of
/// <see cref="TokensName"/>; per request, <see cref="TokensPerSecondName"/>.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "TokenSkip.Hosting";

    /// <summary>Counter of generated tokens.</summary>
    public const string TokensName = "tokenskip.server.tokens";

    /// <summary>Histogram of seconds from a request's arrival to its first token.</summary>
    public const string TimeToFirstTokenName = "tokenskip.server.time_to_first_token";

    /// <summary>Histogram of seconds from a request's arrival to its end, tagged with <c>outcome</c>.</summary>
    public const string RequestDurationName = "tokenskip.server.request.duration";

    /// <summary>Histogram of a request's decode speed: tokens after the first over the seconds they took.</summary>
    public const string TokensPerSecondName = "tokenskip.server.request.tokens_per_second";

    /// <summary>Histogram of how many sequences produced a token in one model step (the running batch size).</summary>
    public const string BatchSizeName = "tokenskip.server.batch.size";

    /// <summary>Gauge of requests accepted but not yet decoding.</summary>
    public const string QueueDepthName = "tokenskip.server.queue.depth";

    /// <summary>Gauge of requests holding a KV cache slot.</summary>
    public const string ActiveSequencesName = "tokenskip.server.active_sequences";

    /// <summary>Counter of requests refused because the queue was full.</summary>
    public const string RejectedName = "tokenskip.server.requests.rejected";

    private static readonly IReadOnlyList<double> SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _tokens;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _tokensPerSecond;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _rejected;
    private Func<int> _queueDepth = () => 0;
    private Func<int> _activeSequences = () => 0;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _tokens = meter.CreateCounter<long>(TokensName, "{token}", "Tokens generated.");
        _timeToFirstToken = meter.CreateHistogram(TimeToFirstTokenName, "s", "Time from a request's arrival to its first token.", advice: seconds);
        _requestDuration = meter.CreateHistogram(RequestDurationName, "s", "Time from a request's arrival to its end.", advice: seconds);
        _tokensPerSecond = meter.CreateHistogram<double>(TokensPerSecondName, "{token}/s", "A request's decode speed after its first token.");
        _batchSize = meter.CreateHistogram<int>(BatchSizeName, "{sequence}", "Sequences that produced a token in one model step.");
        _rejected = meter.CreateCounter<long>(RejectedName, "{request}", "Requests refused because the queue was full.");
        meter.CreateObservableGauge(QueueDepthName, () => _queueDepth(), "{request}", "Requests accepted but not yet decoding.");
        meter.CreateObservableGauge(ActiveSequencesName, () => _activeSequences(), "{sequence}", "Requests holding a KV cache slot.");
    }

    /// <summary>Supplies the gauges' readings (the worker does, once it exists).</summary>
    internal void Observe(Func<int> queueDepth, Func<int> activeSequences)
    {
        _queueDepth = queueDepth;
        _activeSequences = activeSequences;
    }

    internal void RecordStep(int sequences, int tokens)
    {
        _batchSize.Record(sequences);
        _tokens.Add(tokens);
    }

    internal void RecordFirstToken(TimeSpan sinceArrival) => _timeToFirstToken.Record(sinceArrival.TotalSeconds);

    internal void RecordRequest(TimeSpan duration, string outcome, int tokens, TimeSpan? decodeTime)
    {
        _requestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (tokens > 1 && decodeTime is { TotalSeconds: > 0 } decode)
        {
            _tokensPerSecond.Record((tokens - 1) / decode.TotalSeconds);
        }
    }

    internal void RecordRejected() => _rejected.Add(1);
}
