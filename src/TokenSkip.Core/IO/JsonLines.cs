using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenSkip.Core.IO;

/// <summary>
/// JSON Lines files: whole files are written atomically; appends are one complete line per call, flushed, so a
/// crash loses at most the line being written, and readers skip a torn last line instead of failing.
/// </summary>
public static class JsonLines
{
    /// <summary>Serializer options for every file the project writes: readable Unicode, no indentation.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> atomically, one JSON object per line.</summary>
    public static void WriteAll<T>(string path, IEnumerable<T> records) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        foreach (var record in records)
        {
            writer.Write(JsonSerializer.Serialize(record, Options));
            writer.Write('\n');
        }
    });

    /// <summary>Appends one record as a complete line and flushes it to disk.</summary>
    public static void Append<T>(string path, T record)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Options) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Prepares a file for appending after an interruption: cuts a torn last line (one without its newline), so the
    /// next append starts on a fresh line. Creates the file (and its folder) when missing.
    /// </summary>
    public static void PrepareForAppend(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var length = stream.Length;
        var position = length;
        while (position > 0)
        {
            stream.Position = position - 1;
            if (stream.ReadByte() == '\n')
            {
                break;
            }

            position--;
        }

        if (position != length)
        {
            stream.SetLength(position);
        }
    }

    /// <summary>
    /// Reads every record. A malformed line is an error naming the file and line, except a torn final line
    /// without its newline (an interrupted append), which is skipped.
    /// </summary>
    /// <exception cref="FormatException">A line is not valid JSON for <typeparamref name="T"/>.</exception>
    public static IEnumerable<T> Read<T>(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var isLast = i == lines.Length - 1;
            T? record;
            try
            {
                record = JsonSerializer.Deserialize<T>(line, Options);
            }
            catch (JsonException e)
            {
                if (isLast)
                {
                    yield break; // torn final line: the append it came from never completed
                }

                throw new FormatException($"{path}: line {i + 1} is not valid JSON ({e.Message})", e);
            }

            if (record is null)
            {
                throw new FormatException($"{path}: line {i + 1} is null");
            }

            yield return record;
        }
    }
}
