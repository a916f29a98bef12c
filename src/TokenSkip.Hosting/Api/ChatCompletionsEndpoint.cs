using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Turns;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// <c>POST /v1/chat/completions</c>. The <see cref="TurnPolicy"/> decides the prompt, as for every other door: a
/// TokenSkip-trained model (it has a card) gets TokenSkip's prompt at the card's default γ unless the request gives
/// <c>compression_ratio</c>; a plain model gets its chat template unless the request gives <c>compression_ratio</c> or
/// <c>token_budget</c>. A budget without γ lets the planner (shared with in-process clients of the same worker) choose γ
/// and caps the completion; the response reports γ and the planner's reasoning as top-level fields.
/// </summary>
internal sealed partial class ChatCompletionsEndpoint(ModelWorker worker, IOptions<TokenSkipServerOptions> options, TimeProvider time,
    ILogger<ChatCompletionsEndpoint> logger)
{
    private readonly TokenSkipServerOptions _options = options.Value;

    public async Task HandleAsync(HttpContext http)
    {
        var aborted = http.RequestAborted;
        try
        {
            var body = await RequestBodyReader.ReadAsync(http.Request, _options.MaxRequestBodyBytes, aborted).ConfigureAwait(false);
            var chat = ChatRequestValidator.Validate(RequestParser.Parse<ChatCompletionRequest>(body), _options);
            var model = worker.RequireReady();
            ServedModel.Check(chat.Model, model.ModelId);
            var policy = worker.Policy;
            var plan = policy.Plan(chat.Turn);
            if (plan.ToolsWithheld)
            {
                LogToolsWithheld(chat.Turn.Tools!.Count, model.ModelId);
            }

            var ids = model.Tokenizer.Encode(plan.Prompt);
            var generation = policy.FitToContext(plan, ids.Count);
            if (!generation.IgnoreEndOfSequence)
            {
                // The template's end-of-turn texts are special tokens here: stop on their ids as well as their text.
                generation = generation with { StopTokenIds = [.. generation.StopTokenIds, .. model.EndOfTurnTokenIds] };
            }

            var updates = worker.Submit(new GenerationRequest { PromptIds = ids, Options = generation }, aborted);
            var format = new ChatCompletionFormat("chatcmpl-" + Guid.NewGuid().ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(),
                model.ModelId, plan.Report.Count == 0 ? null : new Dictionary<string, object>(plan.Report));
            var toolFamily = plan.OfferedTools.Count > 0 ? model.Family : (ModelFamily?)null;
            var outcome = await CompletionResponder.RespondAsync(http, updates, format, chat.Sampling, toolFamily, plan.AssistantPrefix).ConfigureAwait(false);
            if (outcome is { CalledTools: false })
            {
                policy.Complete(plan, outcome.Text, outcome.Usage.CompletionTokens, outcome.FinishReason);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left; its slot is freed by the worker.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var (error, retryAfter) = ApiExceptionMapper.Map(e);
            await ApiErrorWriter.WriteAsync(http, error, retryAfter).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = TurnPolicy.ToolsWithheldMessage)]
    private partial void LogToolsWithheld(int count, string modelId);
}
