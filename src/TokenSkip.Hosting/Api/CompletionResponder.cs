using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Sends a generation to the client: as one JSON object, or as server-sent events (opening event, one event per text
/// delta, a finish event, an optional usage event, then <c>data: [DONE]</c>). A stream that fails after it started
/// (cut by shutdown, timed out, a failed step) sends an event carrying OpenAI's error object, then <c>data: [DONE]</c>.
/// </summary>
internal static class CompletionResponder
{
    /// <summary>Returns how the generation ended, or null when a stream was cut (error event sent).</summary>
    public static Task<CompletionOutcome?> RespondAsync(HttpContext http, ChannelReader<GenerationUpdate> updates, ICompletionFormat format,
        SamplingPlan plan) =>
        plan.Stream ? StreamAsync(http, updates, format, plan.IncludeUsage) : CollectAsync(http, updates, format);

    public static string FinishReasonText(FinishReason? reason) => reason == FinishReason.Length ? "length" : "stop";

    private static async Task<CompletionOutcome?> CollectAsync(HttpContext http, ChannelReader<GenerationUpdate> updates, ICompletionFormat format)
    {
        var text = new StringBuilder();
        GenerationUpdate? final = null;
        await foreach (var update in updates.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
        {
            text.Append(update.TextDelta);
            final = update.IsFinal ? update : final;
        }

        var outcome = Outcome(text, final);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        var completion = format.Completion(outcome.Text, FinishReasonText(outcome.FinishReason), Usage(outcome.Usage));
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(completion, completion.GetType(), ApiJson.Write), http.RequestAborted)
            .ConfigureAwait(false);
        return outcome;
    }

    private static async Task<CompletionOutcome?> StreamAsync(HttpContext http, ChannelReader<GenerationUpdate> updates, ICompletionFormat format,
        bool includeUsage)
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
        try
        {
            await foreach (var update in updates.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                if (update.TextDelta.Length > 0)
                {
                    text.Append(update.TextDelta);
                    await events.WriteJsonAsync(format.TextChunk(update.TextDelta), aborted).ConfigureAwait(false);
                }

                if (update.IsFinal)
                {
                    final = update;
                    await events.WriteJsonAsync(format.FinishChunk(FinishReasonText(update.FinishReason)), aborted).ConfigureAwait(false);
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

        var outcome = Outcome(text, final);
        if (includeUsage)
        {
            await events.WriteJsonAsync(format.UsageChunk(Usage(outcome.Usage)), aborted).ConfigureAwait(false);
        }

        await events.WriteDoneAsync(aborted).ConfigureAwait(false);
        return outcome;
    }

    private static CompletionOutcome Outcome(StringBuilder text, GenerationUpdate? final) =>
        final is { FinishReason: { } reason, Usage: { } usage }
            ? new CompletionOutcome(text.ToString(), reason, usage)
            : throw new InvalidOperationException("the generation ended without a final update");

    private static CompletionUsage Usage(GenerationUsage usage) => new(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens);
}
