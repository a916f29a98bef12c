namespace TokenSkip.Models.Configuration;

/// <summary>
/// The attention-head rules every configuration source must meet (config.json and GGUF metadata alike): key/value heads
/// divide the query heads (grouped-query attention), and the head size is even (rotary embeddings rotate pairs).
/// </summary>
internal static class AttentionHeadLayout
{
    /// <summary>Why the layout cannot be built, naming the fields as the source spells them; null when it can.</summary>
    public static string? Problem(int heads, int kvHeads, int headDim, string headsField, string kvHeadsField, string headDimField)
    {
        if (kvHeads < 1 || heads % kvHeads != 0)
        {
            return $"{kvHeadsField} {kvHeads} must divide {headsField} {heads}";
        }

        return headDim < 2 || headDim % 2 != 0 ? $"{headDimField} {headDim} must be a positive even number" : null;
    }
}
