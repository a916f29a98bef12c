using System.Text;

namespace TokenSkip.Core.Prompts;

/// <summary>
/// The Llama 3 / 3.1 Instruct turn format: <c>&lt;|begin_of_text|&gt;</c>, then per turn
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;</c>, and
/// <c>&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n</c> as generation prompt.
/// </summary>
/// <remarks>
/// <para>
/// Without tools (no tool offered, no tool call in the conversation) two deliberate differences from Meta's Jinja
/// template hold: no system turn is added when the conversation has none (Llama 3.1's template always adds one with
/// "Cutting Knowledge Date"/"Today Date" lines; TokenSkip's prompts have no system turn), and content is not trimmed (so
/// callers control whitespace exactly, as TokenSkip's prompt, whose user turn ends in a newline, requires). A
/// <c>tool</c> message is rendered under the <c>ipython</c> header, as Llama 3.1 names tool results.
/// </para>
/// <para>
/// With tools offered or tool calls in the conversation, the rendering is Meta's Llama 3.1 Instruct template's: the
/// system turn with "Environment: ipython" (when tools are offered), "Cutting Knowledge Date: December 2023" and
/// "Today Date: {<see cref="DateString"/>}"; the tools as indented JSON in the first user message
/// (<see cref="ToolsInUserMessage"/>, Meta's default) or the system turn; content trimmed; an assistant call as
/// <c>{"name": …, "parameters": {…}}</c> (one call per turn, as the template requires; the turn's content is not
/// rendered); a tool result under <c>ipython</c> as a JSON string.
/// </para>
/// </remarks>
public sealed class Llama3ChatTemplate : IChatTemplate
{
    /// <summary>Begins the sequence (Llama 3's BOS).</summary>
    public const string BeginOfText = "<|begin_of_text|>";

    /// <summary>Opens a turn header.</summary>
    public const string StartHeader = "<|start_header_id|>";

    /// <summary>Closes a turn header.</summary>
    public const string EndHeader = "<|end_header_id|>";

    /// <summary>Ends a turn (Llama 3 Instruct's EOS).</summary>
    public const string EndOfTurn = "<|eot_id|>";

    /// <summary>Ends a turn that expects a tool call result (Llama 3.1).</summary>
    public const string EndOfMessage = "<|eom_id|>";

    /// <summary>End of document (the base model's EOS).</summary>
    public const string EndOfText = "<|end_of_text|>";

    /// <summary>May precede a Llama 3.1 tool call in the model's output (a special token).</summary>
    public const string PythonTag = "<|python_tag|>";

    /// <summary>The date Meta's template writes on "Today Date:" when none is given.</summary>
    public const string DefaultDateString = "26 Jul 2024";

    private const string ToolHeaderRole = "ipython";

    private const string CallFormat = "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.";

    private const string SystemToolsPreamble =
        "You have access to the following functions. To call a function, please respond with JSON for a function call." +
        CallFormat + "Do not use variables.\n\n";

    private const string UserToolsPreamble =
        "Given the following functions, please respond with a JSON for a function call " +
        "with its proper arguments that best answers the given prompt.\n\n" + CallFormat + "Do not use variables.\n\n";

    /// <inheritdoc />
    public ModelFamily Family => ModelFamily.Llama3;

    /// <inheritdoc />
    /// <remarks>Llama 3.1: <c>{"name": "</c>, then for a named function <c>fn", "parameters": </c>.</remarks>
    public string ToolCallOpening(string? functionName) =>
        functionName is null ? "{\"name\": \"" : "{\"name\": \"" + Text.MessageContent.Mark(functionName) + "\", \"parameters\": ";

    /// <inheritdoc />
    public IReadOnlyList<string> StopTokens { get; } = [EndOfTurn, EndOfText, EndOfMessage];

    /// <summary>
    /// Meta's <c>tools_in_user_message</c>: true (the default) puts the tools in the first non-system message, false in
    /// the system turn.
    /// </summary>
    public bool ToolsInUserMessage { get; init; } = true;

    /// <summary>Meta's <c>date_string</c>, written on the system turn's "Today Date:" line when rendering with tools.</summary>
    public string DateString { get; init; } = DefaultDateString;

    /// <inheritdoc />
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt) =>
        Render(messages, addGenerationPrompt, tools: null);

    /// <inheritdoc />
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt, IReadOnlyList<ToolDefinition>? tools)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return ToolJson.Any(tools) || messages.Any(m => m?.HasToolCalls == true)
            ? RenderWithTools(messages, addGenerationPrompt, tools, ToolsInUserMessage, trim: true)
            : RenderPlain(messages, addGenerationPrompt);
    }

    /// <summary>
    /// Meta's template with tools. <paramref name="trim"/> false keeps content as given (TokenSkip's prompt, whose user
    /// turn may end in a newline).
    /// </summary>
    internal string RenderWithTools(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt, IReadOnlyList<ToolDefinition>? tools,
        bool toolsInUserMessage, bool trim)
    {
        ArgumentNullException.ThrowIfNull(messages);
        string Content(PromptMessage message) => trim ? PythonStrip.Strip(message.Content) : message.Content;
        var offered = ToolJson.Any(tools);
        var text = new StringBuilder(BeginOfText);
        var next = 0;
        var system = string.Empty;
        if (messages.Count > 0 && messages[0].Role == PromptMessage.SystemRole)
        {
            system = Content(messages[0]);
            next = 1;
        }

        AppendHeader(text, PromptMessage.SystemRole);
        if (offered)
        {
            text.Append("Environment: ipython\n");
        }

        text.Append("Cutting Knowledge Date: December 2023\n").Append("Today Date: ").Append(DateString).Append("\n\n");
        if (offered && !toolsInUserMessage)
        {
            AppendTools(text, SystemToolsPreamble, tools!);
        }

        text.Append(system).Append(EndOfTurn);
        if (offered && toolsInUserMessage)
        {
            if (next >= messages.Count)
            {
                throw new ArgumentException(
                    "Llama 3.1 puts the tools in the first user message, and the conversation has none.", nameof(messages));
            }

            AppendHeader(text, PromptMessage.UserRole);
            AppendTools(text, UserToolsPreamble, tools!);
            text.Append(Content(messages[next])).Append(EndOfTurn);
            next++;
        }

        for (var i = next; i < messages.Count; i++)
        {
            var message = messages[i];
            var role = message.Role;
            if (message.HasToolCalls)
            {
                if (message.ToolCalls!.Count != 1)
                {
                    throw new ArgumentException(
                        $"messages[{i}] has {message.ToolCalls.Count} tool calls; Llama 3.1's template allows one call per assistant turn.",
                        nameof(messages));
                }

                var call = message.ToolCalls[0] ?? throw new ArgumentException($"messages[{i}].ToolCalls[0] is null.", nameof(messages));
                AppendHeader(text, PromptMessage.AssistantRole);
                text.Append("{\"name\": \"").Append(ToolJson.Name(call, i, 0)).Append("\", \"parameters\": ")
                    .Append(ToolJson.Arguments(call, i, 0)).Append('}').Append(EndOfTurn);
            }
            else if (role is PromptMessage.ToolRole or ToolHeaderRole)
            {
                // The template prints a string result with tojson: quoted and escaped.
                AppendHeader(text, ToolHeaderRole);
                text.Append(Tools.PythonJson.DumpsString(message.Content)).Append(EndOfTurn);
            }
            else
            {
                CheckRole(role, i);
                AppendHeader(text, role);
                text.Append(Content(message)).Append(EndOfTurn);
            }
        }

        if (addGenerationPrompt)
        {
            AppendHeader(text, PromptMessage.AssistantRole);
        }

        return text.ToString();
    }

    private static string RenderPlain(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder(BeginOfText);
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i].Role;
            CheckRole(role, i);
            AppendHeader(text, role == PromptMessage.ToolRole ? ToolHeaderRole : role);
            text.Append(messages[i].Content).Append(EndOfTurn);
        }

        if (addGenerationPrompt)
        {
            AppendHeader(text, PromptMessage.AssistantRole);
        }

        return text.ToString();
    }

    private static void AppendTools(StringBuilder text, string preamble, IReadOnlyList<ToolDefinition> tools)
    {
        text.Append(preamble);
        for (var t = 0; t < tools.Count; t++)
        {
            text.Append(ToolJson.Definition(tools[t], t, indent: 4)).Append("\n\n");
        }
    }

    private static void CheckRole(string role, int index)
    {
        if (string.IsNullOrWhiteSpace(role))
        {
            throw new ArgumentException($"messages[{index}].Role is empty.", "messages");
        }
    }

    private static void AppendHeader(StringBuilder text, string role) =>
        text.Append(StartHeader).Append(role).Append(EndHeader).Append("\n\n");
}
