using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TokenSkip.Core.Engine;
using TokenSkip.Hosting.Errors;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// <c>POST /v1/completions</c>: generates from a prompt the caller rendered (text, or token ids), with no template
/// applied — how TokenSkip's own SK connector talks to a remote server, so γ reaches the model exactly as it was
/// written. The model's end-of-sequence ids stop generation (unless <c>ignore_eos</c>), plus any <c>stop</c> and
/// <c>stop_token_ids</c>.
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
            var sampling = SamplingValidator.Validate(request, _options);
            if (request.Echo == true)
            {
                throw ApiException.BadRequest("echo is not supported", "echo", "unsupported_value");
            }

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

            // A rendered prompt has no template: only the model's EOS ids and the request's stops end it.
            var updates = worker.Submit(new GenerationRequest { PromptIds = ids, Options = sampling.Sampling.ToGenerationOptions(maxNewTokens) }, aborted);
            var format = new TextCompletionFormat("cmpl-" + Guid.NewGuid().ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(), model.ModelId);
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
}
