using System.Globalization;
using TokenSkip.Core.Calibration;

namespace TokenSkip.Core.Budgets;

/// <summary>
/// Chooses γ for each reasoning step of a budgeted task: the largest γ whose predicted completion fits the remaining
/// budget spread evenly over the remaining steps; when none fits, the smallest γ, so that steps finish one by one while
/// the budget lasts rather than all being cut (a step expected to need more than is left is skipped, cap 0, while later
/// steps remain). A step's hard cap leaves later steps their smallest-γ prediction but is never below its own allowance
/// (<see cref="BudgetPlannerOptions.CapDeviations"/>) unless the budget is. Budgets count completion (output) tokens.
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// A step's predicted completion at γ is <c>(L + k·σ) · actual(γ) + answer</c>: <c>L</c> and <c>σ</c> are the mean and
/// spread of a γ = 1 CoT for a question of that length (a <see cref="CotLengthModel"/> whose prior is the card's
/// <c>length_model</c> when it has one, measured on the model by <c>WorksheetAgent --calibration</c>, else its γ = 1
/// <c>mean_cot_tokens</c> with no dependence on the question; learned online from
/// <see cref="Observe(CompressionRatio, int, int, int?)"/>), <c>k</c> is
/// <see cref="BudgetPlannerOptions.SafetyDeviations"/>, <c>actual(γ)</c> is the card's measured actual ratio
/// (<see cref="ModelCard.ActualRatioFor"/>; γ itself without a card), and <c>answer</c> the tokens after the CoT (the
/// card's length model's, else <see cref="BudgetPlannerOptions.AnswerTokens"/>, learned online). Without the margin
/// (<see cref="Expect"/>) the prediction is the expected length, unbiased on held-out steps once calibrated
/// (<see cref="LengthCalibration"/>).
/// </para>
/// <para>
/// Questions are passed as text (counted with <see cref="BudgetPlannerOptions.CountTokens"/>) or as a token count; the
/// length model uses only the count.
/// </para>
/// </remarks>
public sealed class BudgetPlanner
{
    private readonly object _gate = new();
    private readonly ModelCard? _card;
    private readonly BudgetPlannerOptions _options;
    private readonly CompressionRatio[] _ratios;
    private readonly CotLengthModel _lengths;
    private readonly double _answerPrior;
    private double _answerSum;
    private int _answerCount;

    /// <summary>Creates a planner from a model's calibration (null: uncalibrated, γ taken at face value).</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public BudgetPlanner(ModelCard? card, BudgetPlannerOptions? options = null)
    {
        _card = card is { Calibration.Count: > 0 } ? card : null;
        _options = (options ?? new BudgetPlannerOptions()).Clone().Validate();
        _ratios = (_options.Ratios ?? TrainedRatios(card)).Distinct().OrderDescending().ToArray();
        if (card?.LengthModel is { } measured)
        {
            // A calibrated card: the line, its spread and the answer overhead as measured on the model.
            _lengths = new CotLengthModel(measured.CotTokens, _options.PriorWeight, measured.CotSpread, measured.CotTokensPerQuestionToken, measured.QuestionTokens);
            _answerPrior = measured.AnswerTokens;
        }
        else
        {
            var prior = _card?.Calibration.FirstOrDefault(c => c.Gamma >= CompressionRatio.MaxValue)?.MeanCotTokens is > 0 and var mean
                ? mean
                : _options.DefaultCotTokens;
            _lengths = new CotLengthModel(prior, _options.PriorWeight, prior * _options.PriorRelativeSpread);
            _answerPrior = _options.AnswerTokens;
        }
    }

    /// <summary>The ratios this planner chooses from, largest first.</summary>
    public IReadOnlyList<CompressionRatio> Ratios => _ratios;

    /// <summary>How many completed steps the length model has learned from.</summary>
    public int Observations
    {
        get
        {
            lock (_gate)
            {
                return _lengths.Count;
            }
        }
    }

    /// <summary>Chooses γ for the next step of a task; the question is counted with <see cref="BudgetPlannerOptions.CountTokens"/>.</summary>
    /// <param name="remainingTokens">Completion tokens left for the task (this step included).</param>
    /// <param name="stepsLeft">Steps left, this one included (at least 1).</param>
    /// <param name="question">The step's question.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="remainingTokens"/> is negative or <paramref name="stepsLeft"/> below 1.</exception>
    public BudgetDecision Plan(int remainingTokens, int stepsLeft, string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return Plan(remainingTokens, stepsLeft, CountQuestion(question));
    }

    /// <summary>Chooses γ for the next step of a task whose question has <paramref name="questionTokens"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public BudgetDecision Plan(int remainingTokens, int stepsLeft, int questionTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(remainingTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsLeft, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(questionTokens);

        var share = remainingTokens / stepsLeft;
        var smallest = _ratios[^1];
        var floor = Predict(smallest, questionTokens);
        foreach (var ratio in _ratios)
        {
            var predicted = Predict(ratio, questionTokens);
            if (predicted <= share)
            {
                // Leave every later step at least what the smallest γ is predicted to need, but never cap this step below
                // its allowance: a step cut short buys no answer with the tokens it spent.
                var cap = Math.Min(remainingTokens, Math.Max(remainingTokens - (stepsLeft - 1) * floor, Allowance(ratio, questionTokens)));
                return new BudgetDecision(ratio, predicted, cap, true, string.Create(CultureInfo.InvariantCulture,
                    $"γ={ratio}: predicted {predicted} tokens fits {share} per step ({remainingTokens} left over {stepsLeft} step{Plural(stepsLeft)}); capped at {cap}."));
            }
        }

        // Nothing fits the even share. Cutting every step would leave every answer unwritten (it comes last), so steps
        // finish one by one at the smallest γ while the budget lasts; a step expected to need more than is left is
        // skipped while later steps remain, as a shorter question may still fit.
        var expected = (int)Math.Ceiling(Expect(smallest, questionTokens));
        if (stepsLeft > 1 && expected > remainingTokens)
        {
            return new BudgetDecision(smallest, floor, 0, false, string.Create(CultureInfo.InvariantCulture,
                $"no γ fits: γ={smallest} is expected to need {expected} tokens but only {remainingTokens} are left for {stepsLeft} steps; skipping this step so that a shorter one may still finish."));
        }

        var fallbackCap = Math.Min(remainingTokens, Allowance(smallest, questionTokens));
        return new BudgetDecision(smallest, floor, fallbackCap, false, string.Create(CultureInfo.InvariantCulture,
            $"no γ fits: γ={smallest} is predicted to need {floor} tokens but only {share} per step are left ({remainingTokens} over {stepsLeft} step{Plural(stepsLeft)}); falling back to γ={smallest} with a hard cap of {fallbackCap} tokens, so that this step can finish rather than every step being cut."));
    }

    /// <summary>
    /// The completion tokens (CoT plus answer line) budgeted for a question of <paramref name="questionTokens"/> tokens at
    /// <paramref name="ratio"/>: the expected length (<see cref="Expect"/>) plus the safety margin, rounded up.
    /// </summary>
    public int Predict(CompressionRatio ratio, int questionTokens)
    {
        lock (_gate)
        {
            var (mean, spread) = _lengths.Predict(questionTokens);
            var cot = (mean + _options.SafetyDeviations * spread) * ActualRatio(ratio);
            return (int)Math.Ceiling(cot + AnswerOverhead);
        }
    }

    /// <summary>
    /// The expected completion tokens (CoT plus answer line) of a question of <paramref name="questionTokens"/> tokens at
    /// <paramref name="ratio"/>, without the safety margin: the length model's unbiased estimate, which
    /// <see cref="LengthCalibration"/> checks against held-out steps.
    /// </summary>
    public double Expect(CompressionRatio ratio, int questionTokens)
    {
        lock (_gate)
        {
            return _lengths.Predict(questionTokens).Mean * ActualRatio(ratio) + AnswerOverhead;
        }
    }

    /// <summary>Learns from a completed step; the question is counted with <see cref="BudgetPlannerOptions.CountTokens"/>.</summary>
    /// <inheritdoc cref="Observe(CompressionRatio, int, int, int?)"/>
    public void Observe(CompressionRatio ratio, int cotTokens, string question, int? completionTokens = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        Observe(ratio, cotTokens, CountQuestion(question), completionTokens);
    }

    /// <summary>
    /// Learns from a completed step: its CoT length at <paramref name="ratio"/>, converted to a γ = 1 length by the
    /// calibrated actual ratio, updates the length model; with <paramref name="completionTokens"/>, the tokens after the
    /// CoT update the answer overhead. Observe only steps that finished on their own: a truncated CoT is shorter than
    /// the model wanted and would teach the planner to under-predict.
    /// </summary>
    /// <param name="ratio">The γ the step ran at.</param>
    /// <param name="cotTokens">Tokens of the CoT (the completion before TokenSkip's answer line).</param>
    /// <param name="questionTokens">Tokens of the step's question.</param>
    /// <param name="completionTokens">All completion tokens of the step, when known.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the completion is shorter than the CoT.</exception>
    public void Observe(CompressionRatio ratio, int cotTokens, int questionTokens, int? completionTokens = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cotTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(questionTokens);
        if (completionTokens < cotTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(completionTokens), completionTokens, "completion tokens include the CoT, so they cannot be fewer.");
        }

        lock (_gate)
        {
            _lengths.Add(questionTokens, cotTokens / ActualRatio(ratio));
            if (completionTokens is { } total)
            {
                _answerSum += total - cotTokens;
                _answerCount++;
            }
        }
    }

    // The most a step at ratio may need short of a runaway: the expected length plus CapDeviations spreads.
    private int Allowance(CompressionRatio ratio, int questionTokens)
    {
        lock (_gate)
        {
            var (mean, spread) = _lengths.Predict(questionTokens);
            return (int)Math.Ceiling((mean + _options.CapDeviations * spread) * ActualRatio(ratio) + AnswerOverhead);
        }
    }

    // The tokens a step spends after its CoT: the prior counted as one observation. Call under the gate.
    private double AnswerOverhead => (_answerPrior + _answerSum) / (1 + _answerCount);

    private double ActualRatio(CompressionRatio ratio) =>
        _card is null ? ratio.Value : Math.Max(0.05, _card.ActualRatioFor(ratio));

    private int CountQuestion(string question) =>
        _options.CountTokens?.Invoke(question) ?? (question.Length + 3) / 4;

    private static IEnumerable<CompressionRatio> TrainedRatios(ModelCard? card) =>
        card is { TrainedRatios.Count: > 0 }
            ? card.TrainedRatios.Select(r => new CompressionRatio(r))
            : CompressionRatio.TrainingRatios;

    private static string Plural(int count) => count == 1 ? string.Empty : "s";
}
