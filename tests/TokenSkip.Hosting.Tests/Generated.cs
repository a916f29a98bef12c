using System.Threading.Channels;
using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Tests;

/// <summary>A request's updates read to the end.</summary>
internal sealed record Generated(string Text, IReadOnlyList<int> Ids, GenerationUpdate Final)
{
    public static async Task<Generated> ReadAsync(ChannelReader<GenerationUpdate> updates)
    {
        var text = new System.Text.StringBuilder();
        var ids = new List<int>();
        GenerationUpdate? final = null;
        await foreach (var update in updates.ReadAllAsync())
        {
            text.Append(update.TextDelta);
            ids.Add(update.TokenId!.Value);
            final = update.IsFinal ? update : final;
        }

        return new Generated(text.ToString(), ids, final ?? throw new InvalidOperationException("no final update"));
    }
}
