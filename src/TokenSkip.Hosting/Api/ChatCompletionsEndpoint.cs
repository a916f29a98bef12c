using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Hosting.Worker;
using TokenSkip.Models.Loading;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// <c>POST /v1/chat/completions</c>. The conversation is rendered with the model family's chat template; when the request
/// gives <c>compression_ratio</c> or <c>token_budget</c>, with TokenSkip's prompt instead (instruction line and γ in the last
/// user turn, as the model was trained). The template's end-of-turn tokens stop generation. A budget without a ratio lets
/// the <see cref="BudgetPlanner"/> choose γ and caps the completion; the response reports γ and the planner's reasoning.
/// </summary>
internal sealed class ChatCompletionsEndpoint(ModelWorker worker, IOptions<TokenSkipServerOptions> options, TimeProvider time)
{
    private readonly TokenSkipServerOptions _options = options.Value;
    private readonly Lock _plannerLock = new();
    private (ModelBundle Model, BudgetPlanner Planner)? _planner;

    public async Task HandleAsync(HttpContext http)
    {
        var aborted = http.RequestAborted;
        try
        {
            var body = await RequestBodyReader.ReadAsync(http.Request, _options.MaxRequestBodyBytes, aborted).ConfigureAwait(false);
            var plan = ChatRequestValidator.Validate(RequestParser.Parse<ChatCompletionRequest>(body), _options);
            var model = worker.RequireReady();
            ServedModel.Check(plan.Model, model.ModelId);
            var question = plan.Messages.LastOrDefault(m => m.Role == PromptMessage.UserRole)?.Content ?? string.Empty;
            var (ratio, cap, decision) = ChooseRatio(plan, model, question);
            var ids = model.Tokenizer.Encode(Render(model.Family, plan.Messages, ratio));
            var generation = plan.Sampling.Options with
            {
                MaxNewTokens = GenerationLimits.MaxNewTokens(plan.Sampling, ids.Count, worker.Info.ContextLength, _options.DefaultMaxTokens, cap),
                StopTokenIds = plan.Sampling.Options.IgnoreEndOfSequence
                    ? plan.Sampling.Options.StopTokenIds
                    : [.. plan.Sampling.Options.StopTokenIds, .. TemplateStopIds(model)],
            };
            var updates = worker.Submit(new GenerationRequest { PromptIds = ids, Options = generation }, aborted);
            var format = new ChatCompletionFormat("chatcmpl-" + Guid.NewGuid().ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(),
                model.ModelId, Report(ratio, plan.TokenBudget, decision));
            var outcome = await CompletionResponder.RespondAsync(http, updates, format, plan.Sampling).ConfigureAwait(false);
            if (outcome is { FinishReason: FinishReason.Stop } && ratio is { } used)
            {
                Observe(model, used, question, outcome);
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

    private (CompressionRatio? Ratio, int? Cap, BudgetDecision? Decision) ChooseRatio(ChatPlan plan, ModelBundle model, string question)
    {
        if (plan.TokenBudget is not { } budget)
        {
            return (plan.Ratio, null, null);
        }

        if (plan.Ratio is { } ratio)
        {
            return (ratio, budget, null);
        }

        var decision = PlannerFor(model).Plan(budget, 1, question);
        return (decision.Ratio, decision.MaxOutputTokens ?? budget, decision);
    }

    private static string Render(ModelFamily family, IReadOnlyList<PromptMessage> messages, CompressionRatio? ratio)
    {
        messages = MessageContent.Mark(messages); // typed special-token text stays text
        try
        {
            return ratio is { } gamma
                ? TokenSkipPromptBuilder.BuildPrompt(family, messages, gamma)
                : ChatTemplates.For(family).Render(messages, addGenerationPrompt: true);
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadRequest(e.Message.Replace(" (Parameter 'messages')", string.Empty, StringComparison.Ordinal), "messages");
        }
    }

    private static IEnumerable<int> TemplateStopIds(ModelBundle model) =>
        ChatTemplates.For(model.Family).StopTokens
            .Select(token => model.Tokenizer.TryGetTokenId(token, out var id) ? id : -1)
            .Where(id => id >= 0);

    private static Dictionary<string, object>? Report(CompressionRatio? ratio, int? budget, BudgetDecision? decision)
    {
        if (ratio is null)
        {
            return null;
        }

        var report = new Dictionary<string, object> { ["compression_ratio"] = ratio.Value.Value };
        if (budget is { } tokens)
        {
            report["token_budget"] = tokens;
        }

        if (decision is not null)
        {
            report["predicted_tokens"] = decision.PredictedTokens;
            report["budget_explanation"] = decision.Explanation;
            report["budget_fallback"] = !decision.FitsBudget;
        }

        return report;
    }

    // The planner learns CoT lengths from requests that ended on their own (truncated ones would teach it to under-predict).
    private void Observe(ModelBundle model, CompressionRatio ratio, string question, CompletionOutcome outcome)
    {
        var (cot, _) = AnswerSuffix.Split(outcome.Text);
        var cotTokens = Math.Min(model.Tokenizer.Encode(cot).Count, outcome.Usage.CompletionTokens);
        PlannerFor(model).Observe(ratio, cotTokens, question, outcome.Usage.CompletionTokens);
    }

    private BudgetPlanner PlannerFor(ModelBundle model)
    {
        lock (_plannerLock)
        {
            if (_planner is not { } current || !ReferenceEquals(current.Model, model))
            {
                var tokenizer = model.Tokenizer;
                _planner = (model, new BudgetPlanner(model.Card, new BudgetPlannerOptions { CountTokens = text => tokenizer.Encode(text).Count }));
            }

            return _planner.Value.Planner;
        }
    }
}
