namespace TokenSkip.Core.Turns;

/// <summary>The snake_case names of <see cref="InstructionPlacement"/> used in model cards and reports.</summary>
public static class InstructionPlacements
{
    /// <summary>The name of <paramref name="placement"/>: <c>after_system_prompt</c>, <c>before_question</c>, <c>replace_system_prompt</c> or <c>omit</c>.</summary>
    public static string ToName(InstructionPlacement placement) => placement switch
    {
        InstructionPlacement.AfterSystemPrompt => "after_system_prompt",
        InstructionPlacement.BeforeQuestion => "before_question",
        InstructionPlacement.ReplaceSystemPrompt => "replace_system_prompt",
        InstructionPlacement.Omit => "omit",
        _ => throw new ArgumentOutOfRangeException(nameof(placement), placement, "unknown instruction placement"),
    };

    /// <summary>Reads a name written by <see cref="ToName"/>.</summary>
    /// <exception cref="FormatException">It is not one of the four names.</exception>
    public static InstructionPlacement Parse(string name) => name switch
    {
        "after_system_prompt" => InstructionPlacement.AfterSystemPrompt,
        "before_question" => InstructionPlacement.BeforeQuestion,
        "replace_system_prompt" => InstructionPlacement.ReplaceSystemPrompt,
        "omit" => InstructionPlacement.Omit,
        _ => throw new FormatException($"'{name}' is not an instruction placement (after_system_prompt, before_question, replace_system_prompt, omit)"),
    };
}
