using System.Collections.Concurrent;
using System.Text;

namespace TokenSkip.Cli.Tests;

/// <summary>A writer a running command prints to while the test reads its lines from another thread.</summary>
internal sealed class LineCapture : TextWriter
{
    private readonly StringBuilder _current = new();
    private readonly Lock _lock = new();

    public ConcurrentQueue<string> Lines { get; } = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                Lines.Enqueue(_current.ToString().TrimEnd('\r'));
                _current.Clear();
            }
            else
            {
                _current.Append(value);
            }
        }
    }

    /// <summary>Waits (boundedly) for a line containing <paramref name="text"/>.</summary>
    public async Task<string?> WaitForLineAsync(string text, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(25);
        }

        return null;
    }
}
