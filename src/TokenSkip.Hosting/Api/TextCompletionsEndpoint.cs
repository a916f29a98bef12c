using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Hosting.Errors;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// <c>POST /v1/completions</c>: generates from a prompt the caller rendered (text, or token ids), with no template
/// applied — how TokenSkip's own SK connector talks to a remote server, so γ reaches the model exactly as it was
/// written. The model's end-of-sequence ids stop generation (unless <c>ignore_eos</c>), plus any <c>stop</c> and
/// <c>stop_token_ids</c>. As OpenAI's legacy API and vLLM: <c>echo</c> puts the prompt before the completion,
/// <c>logprobs: N</c> returns each token's log-probability with N alternatives (with <c>echo</c>, the prompt's too), and
/// <c>echo</c> with <c>max_tokens: 0</c> only scores the prompt. <c>logprobs</c> is refused with <c>stream</c>.
/// </summary>
internal sealed class TextCompletionsEndpoint(ModelWorker worker, IOptions<TokenSkipServerOptions> options, TimeProvider time)
{
    private readonly TokenSkipServerOptions _options = options.Value;

    public async Task HandleAsync(HttpContext http)
    {
        var aborted = http.RequestAborted;
        try
        {
            var body = await RequestBodyReader.ReadAsync(http.Request, _options.MaxRequestBodyBytes, aborted).ConfigureAwait(false);
            var request = RequestParser.Parse<TextCompletionRequest>(body);
            var echo = request.Echo == true;
            var sampling = SamplingValidator.Validate(request, _options, allowZeroMaxTokens: echo);
            CheckLogprobs(request, sampling);
            var prompt = request.Prompt ?? throw ApiException.BadRequest("prompt is required", "prompt", "missing_required_parameter");
            var model = worker.RequireReady();
            ServedModel.Check(request.Model, model.ModelId);
            var ids = prompt.Ids ?? model.Tokenizer.Encode(prompt.Text ?? string.Empty);
            if (ids.Count == 0)
            {
                throw ApiException.BadRequest("prompt is empty", "prompt");
            }

            int maxNewTokens;
            try
            {
                maxNewTokens = GenerationLimits.MaxNewTokens(sampling, ids.Count, worker.Info.ContextLength, _options.DefaultMaxTokens, null);
            }
            catch (ContextLengthExceededException e)
            {
                throw ApiException.BadRequest(e.Message, "prompt", "context_length_exceeded");
            }

            // max_tokens 0 scores the prompt only: as vLLM does, one token is generated (it comes with the prefill) and dropped.
            var scoreOnly = maxNewTokens == 0;
            var options = sampling.Sampling.ToGenerationOptions(Math.Max(1, maxNewTokens)) with
            {
                Logprobs = request.Logprobs,
                PromptLogprobs = echo ? request.Logprobs : null,
            };

            // A rendered prompt has no template: only the model's EOS ids and the request's stops end it.
            var updates = worker.Submit(new GenerationRequest { PromptIds = ids, Options = options }, aborted);
            var echoed = echo ? prompt.Text ?? model.Tokenizer.Decode(ids) : null;
            var logprobs = request.Logprobs is null ? null : new TextLogprobsBuilder(model.Tokenizer, echo ? ids : null, echoed?.Length ?? 0);
            var format = new TextCompletionFormat("cmpl-" + Guid.NewGuid().ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(), model.ModelId,
                echoed, logprobs, scoreOnly);
            await CompletionResponder.RespondAsync(http, updates, format, sampling).ConfigureAwait(false);
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

    private static void CheckLogprobs(TextCompletionRequest request, SamplingPlan sampling)
    {
        if (request.Logprobs is not { } logprobs)
        {
            return;
        }

        if (logprobs is < 0 or > GenerationOptions.MaxLogprobs)
        {
            throw ApiException.BadRequest($"logprobs must be between 0 and {GenerationOptions.MaxLogprobs}; got {logprobs}", "logprobs");
        }

        if (sampling.Stream)
        {
            throw ApiException.BadRequest("logprobs is not supported with stream: true on this server; send the request without streaming",
                "logprobs", "unsupported_value");
        }
    }
}
