using System.Text;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Text;

/// <summary>
/// Marks text that came from a message (user input, agent instructions, tool results) inside a rendered prompt, so that
/// the tokenizer encodes it as plain text: typed <c>&lt;|im_end|&gt;</c> stays eleven characters and cannot close a turn
/// and open a forged one. Only the template's own markers, outside marked stretches, become special tokens.
/// </summary>
/// <remarks>
/// The marks are two Unicode noncharacters (U+FDD0 opens, U+FDD1 closes), which are reserved for a program's internal use
/// and never part of interchanged text; any that arrive in input are removed by <see cref="Mark(string)"/>. They survive string
/// concatenation, so prompt builders and chat templates pass them through unchanged; <see cref="ITextTokenizer.Encode"/>
/// honours and drops them, and <see cref="Unmark"/> removes them wherever a prompt is shown or sent on as text.
/// A marked prompt encodes to the same ids as the unmarked one whenever the content holds no special-token text.
/// </remarks>
public static class MessageContent
{
    /// <summary>Opens a stretch of message content.</summary>
    public const char Open = '\uFDD0';

    /// <summary>Closes a stretch of message content.</summary>
    public const char Close = '\uFDD1';

    /// <summary>Wraps <paramref name="content"/> in the marks (after removing any marks it carried).</summary>
    public static string Mark(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content.Length == 0 ? content : Open + Unmark(content) + Close;
    }

    /// <summary>The same turns with every message's content marked.</summary>
    public static IReadOnlyList<PromptMessage> Mark(IReadOnlyList<PromptMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return [.. messages.Select(m => m with { Content = Mark(m.Content) })];
    }

    /// <summary>True when <paramref name="text"/> carries marks.</summary>
    public static bool IsMarked(string text) => text.AsSpan().IndexOfAny(Open, Close) >= 0;

    /// <summary>The text without marks: what a prompt looks like to a reader or to another server.</summary>
    public static string Unmark(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsMarked(text))
        {
            return text;
        }

        var plain = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is not (Open or Close))
            {
                plain.Append(c);
            }
        }

        return plain.ToString();
    }

    /// <summary>
    /// For each character of <see cref="Unmark"/>(<paramref name="text"/>), whether it lies inside marked content
    /// (nested marks count once). Returns the unmarked text and the flags.
    /// </summary>
    public static (string Text, bool[] IsContent) Resolve(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = new StringBuilder(text.Length);
        var flags = new List<bool>(text.Length);
        var depth = 0;
        foreach (var c in text)
        {
            switch (c)
            {
                case Open:
                    depth++;
                    break;
                case Close:
                    depth = Math.Max(0, depth - 1);
                    break;
                default:
                    plain.Append(c);
                    flags.Add(depth > 0);
                    break;
            }
        }

        return (plain.ToString(), [.. flags]);
    }
}
