using System.Text.Json;
using TokenSkip.Core.Prompts;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Training;

/// <summary>
/// Reads SFT data from JSON Lines: one object per line, either an Alpaca record <c>{"instruction", "input",
/// "output"}</c> (as TokenSkip writes them; <c>input</c> may be absent) or a chat record
/// <c>{"messages": [{"role", "content"}, ...]}</c> ending with the assistant's answer. Blank lines are skipped.
/// A file that is one JSON array of such records (LLaMA-Factory's dataset layout) is read too.
/// </summary>
public static class SftDataFile
{
    /// <summary>Reads and renders every record of <paramref name="path"/> for <paramref name="family"/>.</summary>
    /// <exception cref="ModelFormatException">The file is missing or a line is malformed; the message names the file and line.</exception>
    public static IReadOnlyList<SftSample> Read(string path, ModelFamily family)
    {
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "data file not found");
        }

        if (StartsWithArray(path))
        {
            return ReadArray(path, family);
        }

        var samples = new List<SftSample>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                samples.Add(Render(document.RootElement, family));
            }
            catch (Exception e) when (e is JsonException or ArgumentException or FormatException)
            {
                throw new ModelFormatException(path, $"line {number}: {Message(e)}", e);
            }
        }

        if (samples.Count == 0)
        {
            throw new ModelFormatException(path, "holds no records");
        }

        return samples;
    }

    private static IReadOnlyList<SftSample> ReadArray(string path, ModelFamily family)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"invalid JSON ({e.Message})", e);
        }

        using (document)
        {
            var samples = new List<SftSample>();
            foreach (var (record, index) in document.RootElement.EnumerateArray().Select((r, i) => (r, i)))
            {
                try
                {
                    samples.Add(Render(record, family));
                }
                catch (Exception e) when (e is ArgumentException or FormatException)
                {
                    throw new ModelFormatException(path, $"record {index}: {Message(e)}", e);
                }
            }

            return samples.Count > 0 ? samples : throw new ModelFormatException(path, "holds no records");
        }
    }

    private static bool StartsWithArray(string path)
    {
        using var reader = new StreamReader(path);
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c == '[';
    }

    private static SftSample Render(JsonElement root, ModelFamily family)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("each record must be a JSON object");
        }

        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("field 'messages' must be an array of {role, content} objects");
            }

            var list = messages.EnumerateArray().Select((m, i) => new PromptMessage(
                Text(m, "role", $"messages[{i}]"), Text(m, "content", $"messages[{i}]"))).ToList();
            return SftSampleRenderer.FromMessages(list, family);
        }

        var record = new TokenSkipTrainingRecord(
            Text(root, "instruction", null),
            root.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null ? Text(root, "input", null) : string.Empty,
            Text(root, "output", null));
        return SftSampleRenderer.FromAlpaca(record, family);
    }

    private static string Text(JsonElement element, string field, string? owner)
    {
        var name = owner is null ? field : $"{owner}.{field}";
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(field, out var value))
        {
            throw new FormatException($"missing field '{name}' (expected an Alpaca record {{instruction, input, output}} or {{messages: [...]}})");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"field '{name}' must be a string");
    }

    private static string Message(Exception e) =>
        e is ArgumentException { ParamName: { } parameter } ? e.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal) : e.Message;
}
