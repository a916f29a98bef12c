using TokenSkip.Core.IO;
using TokenSkip.Pipeline.Data;

namespace TokenSkip.Pipeline.Stages;

/// <summary>Opening an appendable stage output: checks that a resumed file was made with the same settings.</summary>
internal static class StageOutput
{
    public static void Begin(string outputPath, Provenance provenance)
    {
        var existing = Provenance.ReadFor(outputPath);
        if (File.Exists(outputPath) && existing is not null && !existing.IsCompatibleWith(provenance))
        {
            throw new InvalidOperationException(
                $"{outputPath} was started with other settings (see {Provenance.PathFor(outputPath)}); delete it or choose another output to start over");
        }

        JsonLines.PrepareForAppend(outputPath);
        provenance.WriteFor(outputPath);
    }
}
