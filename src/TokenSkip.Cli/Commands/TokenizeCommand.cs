using System.CommandLine;
using System.Text.Json;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Cli.Commands;

/// <summary><c>tokenskip tokenize</c>: encode text with a Hugging Face tokenizer.json (no special tokens added).</summary>
internal static class TokenizeCommand
{
    public static Command Create(CliConsole console)
    {
        var tokenizerPath = new Option<string>("--tokenizer", "-t") { Description = "A tokenizer.json file or a folder holding one.", Required = true };
        var text = new Option<string?>("--text") { Description = "Text to encode." };
        var inputFile = new Option<string?>("--input-file") { Description = "A JSON file holding an array of strings to encode." };
        var json = new Option<bool>("--json") { Description = "Print {\"ids\": [[...], ...]} in input order." };
        var command = new Command("tokenize", "Encode text into token ids (special-token text such as <|im_end|> maps to its id; nothing is added).")
        {
            tokenizerPath, text, inputFile, json,
        };

        command.SetAction(parse =>
        {
            var inputs = ReadInputs(parse.GetValue(text), parse.GetValue(inputFile));
            var tokenizer = HfTokenizer.Load(parse.GetValue(tokenizerPath)!);
            var ids = inputs.Select(s => tokenizer.Encode(s)).ToList();
            if (parse.GetValue(json))
            {
                console.WriteJson(new Dictionary<string, object> { ["ids"] = ids });
                return 0;
            }

            foreach (var row in ids)
            {
                console.Out.WriteLine($"{row.Count} tokens: {string.Join(",", row)}");
            }

            return 0;
        });
        return command;
    }

    private static IReadOnlyList<string> ReadInputs(string? text, string? inputFile)
    {
        if ((text is null) == (inputFile is null))
        {
            throw new ArgumentException("give exactly one of --text or --input-file");
        }

        if (text is not null)
        {
            return [text];
        }

        if (!File.Exists(inputFile))
        {
            throw new FileNotFoundException($"{inputFile}: file not found");
        }

        try
        {
            return JsonSerializer.Deserialize<string[]>(File.ReadAllText(inputFile))
                ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{inputFile}: expected a JSON array of strings ({e.Message})", e);
        }
    }
}
