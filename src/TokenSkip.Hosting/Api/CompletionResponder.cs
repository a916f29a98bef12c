using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Tools;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Sends a generation to the client: as one JSON object, or as server-sent events (opening event, one event per text
/// delta, a finish event, an optional usage event, then <c>data: [DONE]</c>). A stream that fails after it started
/// (cut by shutdown, timed out, a failed step) sends an event carrying OpenAI's error object, then <c>data: [DONE]</c>.
/// </summary>
internal static class CompletionResponder
{
    /// <summary>Returns how the generation ended, or null when a stream was cut (error event sent).</summary>
    /// <remarks>
    /// With <paramref name="toolFamily"/> (tools were offered) the output is scanned for that family's native calls,
    /// read as <paramref name="assistantPrefix"/> (the opening of a call the prompt was prefilled with) followed by the output.
    /// </remarks>
    public static Task<CompletionOutcome?> RespondAsync(HttpContext http, ChannelReader<GenerationUpdate> updates, ICompletionFormat format,
        SamplingPlan plan, ModelFamily? toolFamily = null, string assistantPrefix = "") =>
        plan.Stream
            ? StreamAsync(http, updates, format, plan.IncludeUsage, toolFamily, assistantPrefix)
            : CollectAsync(http, updates, format, toolFamily, assistantPrefix);

    public static string FinishReasonText(FinishReason? reason) => reason == FinishReason.Length ? "length" : "stop";

    private static async Task<CompletionOutcome?> CollectAsync(HttpContext http, ChannelReader<GenerationUpdate> updates, ICompletionFormat format,
        ModelFamily? toolFamily, string assistantPrefix)
    {
        var text = new StringBuilder();
        GenerationUpdate? final = null;
        await foreach (var update in updates.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
        {
            format.Observe(update);
            text.Append(update.TextDelta);
            final = update.IsFinal ? update : final;
        }

        var outcome = Outcome(text, final);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        var parsed = toolFamily is { } family ? ToolCallParser.Parse(family, assistantPrefix + outcome.Text) : null;
        var completion = parsed is { Calls.Count: > 0 }
            ? format.CompletionWithCalls(parsed.Text.Length == 0 ? null : parsed.Text, [.. parsed.Calls.Select(ToWire)], Usage(outcome.Usage))
            : format.Completion(parsed?.Text ?? outcome.Text, FinishReasonText(outcome.FinishReason), Usage(outcome.Usage));
        outcome = outcome with { CalledTools = parsed is { Calls.Count: > 0 } };
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(completion, completion.GetType(), ApiJson.Write), http.RequestAborted)
            .ConfigureAwait(false);
        return outcome;
    }

    private static async Task<CompletionOutcome?> StreamAsync(HttpContext http, ChannelReader<GenerationUpdate> updates, ICompletionFormat format,
        bool includeUsage, ModelFamily? toolFamily, string assistantPrefix)
    {
        var aborted = http.RequestAborted;
        var events = new ServerSentEventWriter(http.Response);
        await events.StartAsync(aborted).ConfigureAwait(false);
        if (format.OpeningChunk() is { } opening)
        {
            await events.WriteJsonAsync(opening, aborted).ConfigureAwait(false);
        }

        var text = new StringBuilder();
        GenerationUpdate? final = null;

        // With tools offered, no half-written call reaches the stream: each call goes out whole, as vLLM sends it.
        var calls = toolFamily is { } family ? new ToolCallStreamFilter(family) : null;
        var callIndex = 0;
        async Task SendAsync(IReadOnlyList<ToolCallStreamItem> items)
        {
            foreach (var item in items)
            {
                var chunk = item.Call is { } call ? format.ToolCallChunk(callIndex++, ToWire(call)) : format.TextChunk(item.Text!);
                if (chunk is not null)
                {
                    await events.WriteJsonAsync(chunk, aborted).ConfigureAwait(false);
                }
            }
        }

        try
        {
            if (calls is not null && assistantPrefix.Length > 0)
            {
                await SendAsync(calls.Push(assistantPrefix)).ConfigureAwait(false);
            }

            await foreach (var update in updates.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                format.Observe(update);
                if (update.TextDelta.Length > 0)
                {
                    text.Append(update.TextDelta);
                    if (calls is null)
                    {
                        if (format.TextChunk(update.TextDelta) is { } chunk)
                        {
                            await events.WriteJsonAsync(chunk, aborted).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        await SendAsync(calls.Push(update.TextDelta)).ConfigureAwait(false);
                    }
                }

                if (update.IsFinal)
                {
                    final = update;
                    if (calls is not null)
                    {
                        await SendAsync(calls.Complete()).ConfigureAwait(false);
                    }

                    var reason = callIndex > 0 ? "tool_calls" : FinishReasonText(update.FinishReason);
                    await events.WriteJsonAsync(format.FinishChunk(reason), aborted).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            // As vLLM does: the error object as an event, then the usual end, so clients that wait for [DONE] stop cleanly.
            await events.WriteRawJsonAsync(ApiErrorWriter.Serialize(ApiExceptionMapper.Map(e).Error), aborted).ConfigureAwait(false);
            await events.WriteDoneAsync(aborted).ConfigureAwait(false);
            return null;
        }

        var outcome = Outcome(text, final) with { CalledTools = callIndex > 0 };
        if (includeUsage)
        {
            await events.WriteJsonAsync(format.UsageChunk(Usage(outcome.Usage)), aborted).ConfigureAwait(false);
        }

        await events.WriteDoneAsync(aborted).ConfigureAwait(false);
        return outcome;
    }

    private static ChatToolCall ToWire(ParsedToolCall call) =>
        new() { Id = ParsedToolCall.NewId(), Function = new ChatFunctionCall(call.Name, call.ArgumentsJson) };

    private static CompletionOutcome Outcome(StringBuilder text, GenerationUpdate? final) =>
        final is { FinishReason: { } reason, Usage: { } usage }
            ? new CompletionOutcome(text.ToString(), reason, usage)
            : throw new InvalidOperationException("the generation ended without a final update");

    private static CompletionUsage Usage(GenerationUsage usage) => new(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens);
}
