using System.Text.Json;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Tokenization;
using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Compression;

/// <summary>Tiny random causal LMs with a llama2.c-style vocabulary (BOS, byte pieces, single characters).</summary>
internal static class TinyCausalModels
{
    private const string Characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:=+-*$()\n";

    /// <summary>"&lt;unk&gt;", "&lt;s&gt;", "&lt;/s&gt;", the 256 byte pieces, then one piece per character.</summary>
    public static string[] Pieces { get; } =
        ["<unk>", "<s>", "</s>", .. Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"), .. Characters.Select(c => c.ToString())];

    /// <summary>Writes config.json, model.safetensors and vocab.json (BOS 1) and returns the folder.</summary>
    public static string Write(TempFolder folder, int maxPositions = 256, int seed = 3)
    {
        var config = TinyModels.Config(ModelArchitecture.Llama, maxPositions: maxPositions) with { VocabularySize = Pieces.Length, BosTokenId = 1, EosTokenIds = [2] };
        var path = TinyModels.Write(folder, config, seed);
        File.WriteAllText(Path.Combine(path, PieceVocabularyTokenizer.FileName), JsonSerializer.Serialize(new { pieces = Pieces, bos_id = 1, eos_id = 2 }));
        return path;
    }
}
