using System.Text.Json.Serialization;

namespace TokenSkip.Plugins;

/// <summary>A snapshot of one pipeline job, as reported to agents.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Stage">Which stage it runs ("build_data", "train_adapter", "evaluate").</param>
/// <param name="State">Running, succeeded, failed or cancelled.</param>
/// <param name="Done">Units of work done (samples, steps), when known.</param>
/// <param name="Total">Units of work in all, when known.</param>
/// <param name="Message">The latest progress line, the result on success, or the error on failure.</param>
public sealed record PipelineJobStatus(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("state")][property: JsonConverter(typeof(JsonStringEnumConverter<PipelineJobState>))] PipelineJobState State,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("message")] string Message);
