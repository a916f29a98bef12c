namespace TokenSkip.Core.Budgets;

/// <summary>
/// Predicts the length of an uncompressed (γ = 1) chain of thought from the question's length, learned online.
/// </summary>
/// <remarks>
/// A line in the question's token count, centred on the mean question seen: the level is the card's γ = 1 mean shrunk
/// towards the observed mean (the prior counts as <c>priorWeight</c> observations), and the slope is a ridge estimate
/// that starts flat, so one or two observations cannot tilt it. The spread is the residual standard deviation, with the
/// prior's spread mixed in the same way. Not thread-safe; <see cref="BudgetPlanner"/> guards it.
/// </remarks>
internal sealed class CotLengthModel(double priorMean, double priorWeight, double priorSpread)
{
    // Questions' spread enters the slope's ridge as if the prior had seen questions ±20 tokens around the centre.
    private const double PriorQuestionSpread = 20;

    private int _count;
    private double _sumQ;
    private double _sumY;
    private double _sumQq;
    private double _sumQy;
    private double _sumYy;

    public int Count => _count;

    public void Add(double questionTokens, double cotTokens)
    {
        _count++;
        _sumQ += questionTokens;
        _sumY += cotTokens;
        _sumQq += questionTokens * questionTokens;
        _sumQy += questionTokens * cotTokens;
        _sumYy += cotTokens * cotTokens;
    }

    /// <summary>The mean and standard deviation of a γ = 1 CoT for a question of <paramref name="questionTokens"/> tokens.</summary>
    public (double Mean, double Spread) Predict(double questionTokens)
    {
        if (_count == 0)
        {
            return (priorMean, priorSpread);
        }

        var meanQ = _sumQ / _count;
        var meanY = _sumY / _count;
        var sqq = Math.Max(0, _sumQq - _count * meanQ * meanQ);
        var sqy = _sumQy - _count * meanQ * meanY;
        var syy = Math.Max(0, _sumYy - _count * meanY * meanY);
        var slope = sqy / (sqq + priorWeight * PriorQuestionSpread * PriorQuestionSpread);
        var level = (priorWeight * priorMean + _count * meanY) / (priorWeight + _count);

        // Residuals around the fitted line, plus the gap between the shrunk level and the data's mean.
        var residual = Math.Max(0, syy - 2 * slope * sqy + slope * slope * sqq) + _count * (meanY - level) * (meanY - level);
        var variance = (priorWeight * priorSpread * priorSpread + residual) / (priorWeight + _count);
        var mean = Math.Max(1, level + slope * (questionTokens - meanQ));
        return (mean, Math.Sqrt(variance));
    }
}
