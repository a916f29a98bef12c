using System.Text.Json;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>The writers a command prints to, and the one place where errors become one-line messages.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>A progress printer on stderr for long stages.</summary>
    public StageProgressPrinter Progress() => new(Error, interactive: ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Writes one JSON document on its own line.</summary>
    public void WriteJson(object value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Prints an error as one line (plus the stack trace when verbose) and returns the exit code.</summary>
    public int Fail(Exception exception, bool verbose)
    {
        if (exception is OperationCanceledException)
        {
            Error.WriteLine("cancelled");
            return 130;
        }

        var message = exception switch
        {
            ModelFormatException or TokenizerFormatException or FileNotFoundException or DirectoryNotFoundException => exception.Message,
            ArgumentException argument when argument.ParamName is not null => argument.Message.Replace($" (Parameter '{argument.ParamName}')", string.Empty),
            ArgumentException or FormatException or InvalidOperationException or JsonException => exception.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        if (verbose)
        {
            Error.WriteLine(exception.ToString());
        }

        return 1;
    }
}
