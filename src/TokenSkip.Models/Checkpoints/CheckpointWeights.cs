using System.Text.Json;
using TorchSharp;

namespace TokenSkip.Models.Checkpoints;

/// <summary>
/// The weights of a Hugging Face checkpoint folder: <c>model.safetensors</c>, or the shards listed by
/// <c>model.safetensors.index.json</c>. Every file is opened (and its header validated) up front, so a broken
/// shard is reported before any weight is read.
/// </summary>
public sealed class CheckpointWeights
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The sharded-weights index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafeTensorsFile> _fileOfTensor;

    private CheckpointWeights(string folder, Dictionary<string, SafeTensorsFile> fileOfTensor)
    {
        Folder = folder;
        _fileOfTensor = fileOfTensor;
    }

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; }

    /// <summary>All tensor names in the checkpoint.</summary>
    public IEnumerable<string> Names => _fileOfTensor.Keys;

    /// <summary>Opens the weights of <paramref name="folder"/>.</summary>
    /// <exception cref="ModelFormatException">No weights, a broken index, or a broken shard.</exception>
    public static CheckpointWeights Open(string folder)
    {
        var single = Path.Combine(folder, SingleFileName);
        var index = Path.Combine(folder, IndexFileName);
        if (File.Exists(single))
        {
            var file = SafeTensorsFile.Open(single);
            return new CheckpointWeights(folder, file.Entries.Keys.ToDictionary(k => k, _ => file, StringComparer.Ordinal));
        }

        if (File.Exists(index))
        {
            return new CheckpointWeights(folder, OpenShards(folder, index));
        }

        var hint = File.Exists(Path.Combine(folder, "pytorch_model.bin"))
            ? " (pytorch_model.bin is not supported: convert it to safetensors)"
            : string.Empty;
        throw new ModelFormatException(folder, $"no {SingleFileName} or {IndexFileName} found{hint}");
    }

    /// <summary>True when the checkpoint holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _fileOfTensor.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    public SafeTensorEntry Get(string name) =>
        _fileOfTensor.TryGetValue(name, out var file)
            ? file.Get(name)
            : throw new ModelFormatException(Folder, $"tensor '{name}' not found in the checkpoint");

    /// <summary>Copies tensor <paramref name="name"/> into <paramref name="destination"/> (shape-checked, dtype-converted).</summary>
    public void CopyTo(string name, torch.Tensor destination)
    {
        if (!_fileOfTensor.TryGetValue(name, out var file))
        {
            throw new ModelFormatException(Folder, $"tensor '{name}' not found in the checkpoint");
        }

        file.CopyTo(name, destination);
    }

    private static Dictionary<string, SafeTensorsFile> OpenShards(string folder, string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException(indexPath, "missing object field 'weight_map'");
            }

            weightMap = map.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String
                    ? p.Value.GetString()!
                    : throw new ModelFormatException(indexPath, $"weight_map['{p.Name}'] must be a file name"),
                StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(indexPath, $"invalid JSON ({e.Message})", e);
        }

        var files = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        var result = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        foreach (var (tensor, fileName) in weightMap)
        {
            if (fileName.Contains('/') || fileName.Contains('\\') || fileName.Contains(".."))
            {
                throw new ModelFormatException(indexPath, $"weight_map['{tensor}'] = '{fileName}' must be a file in the same folder");
            }

            if (!files.TryGetValue(fileName, out var file))
            {
                file = SafeTensorsFile.Open(Path.Combine(folder, fileName));
                files[fileName] = file;
            }

            if (!file.Entries.ContainsKey(tensor))
            {
                throw new ModelFormatException(file.FilePath, $"tensor '{tensor}' is listed in {IndexFileName} but not in this shard");
            }

            result[tensor] = file;
        }

        return result;
    }
}
