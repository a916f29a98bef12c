using System.Text.Json;
using TokenSkip.TestSupport;

namespace TokenSkip.Models.Tests.Transformer;

/// <summary>Reads a shared model folder's expected.json (reference logits and greedy ids from an independent implementation).</summary>
internal sealed class ReferenceFixture
{
    private readonly JsonElement _root;

    private ReferenceFixture(string folder, JsonElement root)
    {
        Folder = folder;
        _root = root;
    }

    public string Folder { get; }

    public static ReferenceFixture Load(string sharedRelativeFolder)
    {
        var folder = SharedAssets.Require(sharedRelativeFolder);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        return new ReferenceFixture(folder, document.RootElement.Clone());
    }

    public JsonElement Case(string name) =>
        _root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static int[] Ints(JsonElement element) => element.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static float[] Floats(JsonElement element) => element.EnumerateArray().Select(e => e.GetSingle()).ToArray();
}
