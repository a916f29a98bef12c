namespace TokenSkip.Core.Budgets;

/// <summary>
/// Predicts the length of an uncompressed (γ = 1) chain of thought from the question's length, learned online.
/// </summary>
/// <remarks>
/// A line <c>a + b·(q − c)</c> in the question's token count <c>q</c>, fitted by least squares with a prior on both
/// coefficients: the level <c>a</c> is pulled towards the prior's level as if the prior were <c>priorWeight</c>
/// observations at the centre <c>c</c>, and the slope <c>b</c> towards the prior's slope by a ridge, as if those
/// observations had spread ±20 question tokens, so one or two observations cannot tilt it. The centre is the prior's
/// (a card's calibration questions' mean length) when it has one, else the mean question seen. The spread is the
/// residual standard deviation, with the prior's spread mixed in the same way. Not thread-safe;
/// <see cref="BudgetPlanner"/> guards it.
/// </remarks>
internal sealed class CotLengthModel(double priorMean, double priorWeight, double priorSpread, double priorSlope = 0, double? priorCentre = null)
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
        var n = (double)_count;
        var c = priorCentre ?? (_count == 0 ? questionTokens : _sumQ / n);
        if (_count == 0)
        {
            return (Math.Max(1, priorMean + priorSlope * (questionTokens - c)), priorSpread);
        }

        // Sums of x = q − c: the normal equations of the penalised fit
        //   a (n + w) + b Σx = Σy + w a0,   a Σx + b (Σx² + λ) = Σxy + λ b0.
        var sx = _sumQ - n * c;
        var sxx = Math.Max(0, _sumQq - 2 * c * _sumQ + n * c * c);
        var sxy = _sumQy - c * _sumY;
        var ridge = priorWeight * PriorQuestionSpread * PriorQuestionSpread;
        var (a11, a12, a22) = (n + priorWeight, sx, sxx + ridge);
        var (r1, r2) = (_sumY + priorWeight * priorMean, sxy + ridge * priorSlope);
        var determinant = a11 * a22 - a12 * a12;
        var level = (r1 * a22 - a12 * r2) / determinant;
        var slope = (a11 * r2 - a12 * r1) / determinant;

        // Residuals of the data around the fitted line, mixed with the prior's spread.
        var residual = _sumYy - 2 * level * _sumY - 2 * slope * sxy + n * level * level + 2 * level * slope * sx + slope * slope * sxx;
        var variance = (priorWeight * priorSpread * priorSpread + Math.Max(0, residual)) / (priorWeight + n);
        var mean = Math.Max(1, level + slope * (questionTokens - c));
        return (mean, Math.Sqrt(variance));
    }
}
