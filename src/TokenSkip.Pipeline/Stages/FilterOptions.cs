namespace TokenSkip.Pipeline.Stages;

/// <summary>Settings of the filter stage (TokenSkip's reference drops CoTs longer than 500 target tokens).</summary>
public sealed record FilterOptions
{
    /// <summary>CoTs with more target-model tokens than this are dropped.</summary>
    public int MaxCotTokens { get; init; } = 500;

    /// <summary>Drop answers that hit the token limit (finish reason "length") even when their answer is right.</summary>
    public bool RequireStop { get; init; } = true;
}
