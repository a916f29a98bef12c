using System.CommandLine;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.Pipeline.Generation;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// The <c>--endpoint</c> (repeatable), <c>--api-key</c>, <c>--served-model</c>, <c>--concurrency</c> and <c>--family</c>
/// options of pipeline commands that can send their prompts to OpenAI-compatible replicas (vLLM, llama.cpp's server,
/// <c>tokenskip serve</c>) instead of loading the model. With an endpoint, <c>--model</c> is optional: when given, only its
/// config (the family) and tokenizer (exact token counts) are read, never its weights.
/// </summary>
internal sealed class RemoteOptions
{
    /// <summary>Requests in flight per endpoint when <c>--concurrency</c> is not given.</summary>
    public const int DefaultConcurrencyPerEndpoint = 16;

    public Option<string[]> Endpoints { get; } = new("--endpoint")
    {
        Description = "API root of an OpenAI-compatible server (e.g. http://gpu1:8000/v1); repeat for replicas. Prompts go there instead of a local model (least busy replica first; failures retried, failing replicas taken out and probed back in).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "Bearer token for --endpoint (default: the TOKENSKIP_API_KEY environment variable).",
    };

    public Option<string?> ServedModel { get; } = new("--served-model")
    {
        Description = "The served model name at --endpoint (vLLM's --served-model-name); default: the one model the server lists.",
    };

    public Option<int?> Concurrency { get; } = new("--concurrency")
    {
        Description = $"Requests in flight over all endpoints (default {DefaultConcurrencyPerEndpoint} per endpoint).",
    };

    public Option<string?> Family { get; } = new("--family")
    {
        Description = "Prompt family of the served model, qwen2 or llama3 (default: from --model's config.json, else from tokenskip serve's /v1/models).",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Endpoints, ApiKey, ServedModel, Concurrency, Family })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Whether <c>--endpoint</c> was given.</summary>
    public bool IsRemote(ParseResult parse) => parse.GetValue(Endpoints) is { Length: > 0 };

    /// <summary>Checks that no remote-only option is given without <c>--endpoint</c>.</summary>
    public void RequireEndpointFor(ParseResult parse)
    {
        if (IsRemote(parse))
        {
            return;
        }

        foreach (var option in new Option[] { ApiKey, ServedModel, Concurrency, Family })
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new ArgumentException($"{option.Name} is for remote generation: give --endpoint URL too");
            }
        }
    }

    /// <summary>The <c>--endpoint</c> URLs, checked.</summary>
    /// <exception cref="ArgumentException">One is not an http(s) URL (the message names it).</exception>
    public Uri[] EndpointsOf(ParseResult parse) => (parse.GetValue(Endpoints) ?? []).Select(ParseEndpoint).ToArray();

    /// <summary>The in-flight requests of a remote run.</summary>
    public int ConcurrencyOf(ParseResult parse)
    {
        var concurrency = parse.GetValue(Concurrency) ?? DefaultConcurrencyPerEndpoint * parse.GetValue(Endpoints)!.Length;
        return concurrency >= 1 ? concurrency : throw new ArgumentException($"--concurrency must be at least 1; got {concurrency}");
    }

    /// <summary>
    /// The remote engine of a pipeline run: whole replies only (a replica lost mid-reply is retried from the start, so
    /// nothing is written twice). <paramref name="modelFolder"/>, when given, supplies the family and the tokenizer.
    /// </summary>
    public OpenAICompatibleEngine CreateEngine(ParseResult parse, string? modelFolder)
    {
        return RemoteStageEngine.Create(new OpenAICompatibleEngineOptions
        {
            Endpoints = EndpointsOf(parse),
            ApiKey = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("TOKENSKIP_API_KEY"),
            ServedModel = parse.GetValue(ServedModel),
            Family = parse.GetValue(Family) is { } name ? ParseFamily(name) : null,
            Concurrency = ConcurrencyOf(parse),
        }, modelFolder);
    }

    private static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"--endpoint '{text}' is not an http(s) URL such as http://localhost:8000/v1");

    private static ModelFamily ParseFamily(string name) =>
        Enum.TryParse<ModelFamily>(name, ignoreCase: true, out var family) && Enum.IsDefined(family)
            ? family
            : throw new ArgumentException($"--family must be qwen2 or llama3; got '{name}'");
}
