namespace TokenSkip.Cli.Infrastructure;

/// <summary>Writes each reported line to a writer at once, on the reporting thread.</summary>
internal sealed class SynchronousLog(TextWriter writer) : IProgress<string>
{
    public void Report(string value) => writer.WriteLine(value);
}
