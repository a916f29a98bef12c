using System.Text.Json;
using TokenSkip.Core;
using TokenSkip.Core.IO;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// The run folder: <c>run.json</c> (what the run is), <c>samples.jsonl</c> and <c>throughput.jsonl</c> (appended one
/// finished line at a time, so an interrupted run loses at most the sample in flight), and at the end the reports.
/// Opening a folder reads what is there, so a rerun skips every finished (method, γ, id).
/// </summary>
public sealed class EvaluationStore
{
    /// <summary>The per-sample file.</summary>
    public const string SamplesFileName = "samples.jsonl";

    /// <summary>The throughput file.</summary>
    public const string ThroughputFileName = "throughput.jsonl";

    /// <summary>The run description file.</summary>
    public const string RunInfoFileName = "run.json";

    private readonly Dictionary<(EvaluationStage Stage, string Id), SampleRecord> _samples = [];
    private readonly Dictionary<EvaluationStage, ThroughputRecord> _throughput = [];

    private bool _infoWritten;

    private EvaluationStore(string folder, EvaluationRunInfo info)
    {
        Folder = folder;
        Info = info;
    }

    /// <summary>The run folder.</summary>
    public string Folder { get; }

    /// <summary>What the run is.</summary>
    public EvaluationRunInfo Info { get; }

    /// <summary>
    /// Opens (creating if needed) the run folder and loads the rows already there; <c>run.json</c> is written with
    /// the first row.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder holds a run of another data file, model or limit.</exception>
    /// <exception cref="FormatException">A stored line is malformed; the message names file and line.</exception>
    public static EvaluationStore Open(string folder, EvaluationRunInfo info)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        var infoPath = Path.Combine(folder, RunInfoFileName);
        if (File.Exists(infoPath))
        {
            var existing = Read<EvaluationRunInfo>(File.ReadAllText(infoPath), infoPath);
            CheckSame(infoPath, "data", existing.Data, info.Data);
            CheckSame(infoPath, "model", existing.Model, info.Model);
            CheckSame(infoPath, "max_new_tokens", existing.MaxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
                info.MaxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var store = new EvaluationStore(folder, info) { _infoWritten = File.Exists(infoPath) };
        foreach (var record in ReadLines<SampleRecord>(store.SamplesPath))
        {
            store._samples[(StageOf(record.Method, record.Gamma), record.Id)] = record;
        }

        foreach (var record in ReadLines<ThroughputRecord>(store.ThroughputPath))
        {
            store._throughput[StageOf(record.Method, record.Gamma)] = record;
        }

        return store;
    }

    /// <summary>The finished sample of <paramref name="stage"/> with <paramref name="id"/>, if any.</summary>
    public SampleRecord? Find(EvaluationStage stage, string id) => _samples.GetValueOrDefault((stage, id));

    /// <summary>The throughput measurement of <paramref name="stage"/>, if any.</summary>
    public ThroughputRecord? FindThroughput(EvaluationStage stage) => _throughput.GetValueOrDefault(stage);

    /// <summary>Appends a finished sample (flushed to disk before returning).</summary>
    public void Add(SampleRecord record)
    {
        AppendLine(SamplesPath, record);
        _samples[(StageOf(record.Method, record.Gamma), record.Id)] = record;
    }

    /// <summary>Appends a throughput measurement (flushed to disk before returning).</summary>
    public void Add(ThroughputRecord record)
    {
        AppendLine(ThroughputPath, record);
        _throughput[StageOf(record.Method, record.Gamma)] = record;
    }

    private string SamplesPath => Path.Combine(Folder, SamplesFileName);

    private string ThroughputPath => Path.Combine(Folder, ThroughputFileName);

    private static EvaluationStage StageOf(EvaluationMethod method, double gamma) => new(method, new CompressionRatio(gamma));

    private static void CheckSame(string path, string field, string stored, string requested)
    {
        if (!string.Equals(stored, requested, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{path}: this folder holds a run with {field} \"{stored}\", not \"{requested}\"; use another --output folder or delete this one");
        }
    }

    // run.json comes with the first row, so a run that fails before producing one (a wrong model path) binds nothing.
    private void AppendLine<T>(string path, T record)
    {
        if (!_infoWritten)
        {
            AtomicFile.WriteAllText(Path.Combine(Folder, RunInfoFileName), JsonSerializer.Serialize(Info, JsonLines.Options) + "\n");
            _infoWritten = true;
        }

        JsonLines.Append(path, record);
    }

    // A run killed mid-write leaves a last line without its newline: it is cut off, and the sample runs again.
    private static IEnumerable<T> ReadLines<T>(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        JsonLines.PrepareForAppend(path);
        return JsonLines.Read<T>(path).ToList();
    }

    private static T Read<T>(string json, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonLines.Options) ?? throw new FormatException($"{where}: empty record");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: not a valid {typeof(T).Name} ({e.Message})", e);
        }
    }
}
