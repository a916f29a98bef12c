using TokenSkip.Core.IO;
namespace TokenSkip.Models.Checkpoints;

/// <summary>The files of a Hugging Face model folder that describe its tokenizer and generation defaults.</summary>
public static class TokenizerFiles
{
    /// <summary>The file names copied along with weights (those present; none is required).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json",
        "tokenizer.model", "generation_config.json", "chat_template.jinja", "chat_template.json",
    ];

    /// <summary>Copies those of <see cref="Names"/> that <paramref name="sourceFolder"/> holds into <paramref name="destinationFolder"/>; returns their names.</summary>
    public static IReadOnlyList<string> Copy(string sourceFolder, string destinationFolder)
    {
        Directory.CreateDirectory(destinationFolder);
        var copied = new List<string>();
        foreach (var name in Names)
        {
            var source = Path.Combine(sourceFolder, name);
            if (File.Exists(source))
            {
                AtomicFile.Write(Path.Combine(destinationFolder, name), stream =>
                {
                    using var input = File.OpenRead(source);
                    input.CopyTo(stream);
                });
                copied.Add(name);
            }
        }

        return copied;
    }
}
