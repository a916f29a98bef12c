namespace TokenSkip.Core.Answers;

/// <summary>Where in a model's output an answer was found, in the order they are tried.</summary>
public enum AnswerSource
{
    /// <summary>The last complete <c>\boxed{…}</c>.</summary>
    Boxed,

    /// <summary>The text after the last "the answer is" (either case of the T).</summary>
    AnswerPhrase,

    /// <summary>The last number in the text.</summary>
    LastNumber,
}
