using System.CommandLine;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Text;
using TokenSkip.Models.Compression;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>The importance-scorer and pruning options shared by <c>compress</c> and <c>data compress</c>.</summary>
internal sealed class ScorerOptions
{
    private const string Surprisal = SurprisalScorer.ScorerName;
    private const string LlmLingua2 = LlmLingua2Scorer.ScorerName;
    private const string Random = RandomScorer.ScorerName;

    public ScorerOptions()
    {
        Scorer.AcceptOnlyFromAmong(LlmLingua2, Surprisal, Random);
    }

    public Option<string> Scorer { get; } = new("--scorer")
    {
        Description = $"Importance scores: {LlmLingua2} (token classifier), {Surprisal} (causal-LM self-information) or {Random} (ablation: random words).",
        Required = true,
    };

    public Option<string?> ScorerModel { get; } = new("--scorer-model") { Description = "LLMLingua-2 classifier folder (config.json, model.safetensors, sentencepiece.bpe.model or vocab.txt)." };

    public Option<int> Seed { get; } = new("--scorer-seed") { Description = "Seed of the random scorer." };

    /// <summary>
    /// <c>--endpoint</c> and its companions: with <c>--scorer surprisal</c>, OpenAI-compatible servers holding the target
    /// model score the CoTs (<c>echo</c> + <c>logprobs</c> on <c>/v1/completions</c>) instead of loading it here, balanced
    /// and retried as remote generation is.
    /// </summary>
    public RemoteOptions Remote { get; } = new();

    public Option<string[]> ForceTokens { get; } = new("--force-token") { Description = "A token always kept (repeatable; TokenSkip's LLaMA data forces \"Step\" and \":\")." };

    public Option<bool> KeepDigits { get; } = new("--keep-digits") { Description = "Keep every token that contains a digit." };

    public Option<bool> DropConsecutive { get; } = new("--drop-consecutive") { Description = "Drop force tokens that repeat with nothing kept in between." };

    public Option<bool> TargetTokens { get; } = new("--match-target-tokens")
    {
        Description = "Search the percentile per text so the compressed CoT has γ of the original's target-model tokens (default: LLMLingua-2's rule as TokenSkip uses it).",
    };

    /// <summary>What γ is a fraction of.</summary>
    public RatioMeasure Measure(ParseResult parse) => parse.GetValue(TargetTokens) ? RatioMeasure.TargetTokens : RatioMeasure.Reference;

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Scorer, ScorerModel, Seed, ForceTokens, KeepDigits, DropConsecutive, TargetTokens })
        {
            command.Options.Add(option);
        }

        Remote.AddTo(command);
    }

    public PruningOptions Pruning(ParseResult parse) => new PruningOptions
    {
        ForceTokens = parse.GetValue(ForceTokens) ?? [],
        KeepDigits = parse.GetValue(KeepDigits),
        DropConsecutive = parse.GetValue(DropConsecutive),
    }.Validate();

    /// <summary>Checks the scorer options without loading anything (so a typo fails before a model loads).</summary>
    public void Check(ParseResult parse)
    {
        var name = parse.GetValue(Scorer)!;
        var classifier = parse.GetValue(ScorerModel);
        if (name == LlmLingua2 && classifier is null)
        {
            throw new ArgumentException("--scorer llmlingua2 needs --scorer-model (the classifier folder)");
        }

        if (name != LlmLingua2 && classifier is not null)
        {
            throw new ArgumentException($"--scorer-model names an LLMLingua-2 classifier; the {name} scorer does not use one");
        }

        Remote.RequireEndpointFor(parse);
        _ = Remote.EndpointsOf(parse);
        if (Remote.IsRemote(parse) && name != Surprisal)
        {
            throw new ArgumentException($"--endpoint scores on a server with --scorer {Surprisal}; the {name} scorer runs here");
        }
    }

    /// <summary>Creates the scorer and the target tokenizer that measures ratios (the target model's).</summary>
    public (IImportanceScorer Scorer, ITextTokenizer Target) Create(ParseResult parse, string targetFolder, ModelLoadOptions load)
    {
        Check(parse);
        var name = parse.GetValue(Scorer)!;
        if (Remote.IsRemote(parse))
        {
            // The server holds the model; only its config and tokenizer are read here (the tokenizer measures ratios).
            var engine = Remote.CreateEngine(parse, targetFolder);
            var remote = new RemoteSurprisalScorer(engine, string.Join(", ", engine.Endpoints),
                new RemoteSurprisalOptions { MaxConcurrency = Remote.ConcurrencyOf(parse) }, ownsSource: true);
            return (remote, engine.Options.Tokenizer!); // the folder's tokenizer, loaded once by the engine
        }

        IImportanceScorer scorer = name switch
        {
            Surprisal => SurprisalScorer.Load(targetFolder, load),
            LlmLingua2 => LlmLingua2Scorer.Load(parse.GetValue(ScorerModel)!, load),
            _ => new RandomScorer(parse.GetValue(Seed)),
        };
        var target = scorer is SurprisalScorer surprisal
            ? surprisal.Tokenizer
            : ModelBundle.LoadTokenizer(targetFolder);
        return (scorer, target);
    }
}
