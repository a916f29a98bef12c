using System.Text.Json;

namespace TokenSkip.Pipeline.Data;

/// <summary>
/// Reads problems from a jsonl file in GSM8K layout (<c>question</c>, <c>answer</c>, optional <c>cot</c>) or
/// MATH-500 layout (<c>problem</c>, <c>answer</c>, optional <c>solution</c>, <c>unique_id</c>), detected per line.
/// </summary>
public static class ProblemSet
{
    /// <summary>Reads every problem of <paramref name="path"/>, optionally only the first <paramref name="limit"/>.</summary>
    /// <exception cref="FormatException">A line is not JSON or lacks a question/answer; the message names file and line.</exception>
    public static IReadOnlyList<Problem> Load(string path, int? limit = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        var problems = new List<Problem>();
        var name = Path.GetFileNameWithoutExtension(path);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (limit is { } max && problems.Count >= max)
            {
                break;
            }

            problems.Add(Parse(path, name, lineNumber, line));
        }

        return problems;
    }

    private static Problem Parse(string path, string name, int lineNumber, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var question = Text(root, "question") ?? Text(root, "problem")
                ?? throw new FormatException($"{path}: line {lineNumber} has no 'question' (GSM8K) or 'problem' (MATH) field");
            var answer = Text(root, "answer")
                ?? throw new FormatException($"{path}: line {lineNumber} has no 'answer' field");
            var id = Text(root, "id") ?? Text(root, "unique_id") ?? $"{name}:{lineNumber}";
            return new Problem(id, question, answer, Text(root, "cot") ?? Text(root, "solution"));
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: line {lineNumber} is not valid JSON ({e.Message})", e);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
