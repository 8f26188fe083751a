namespace ReleaseRadar.Engine;

/// <summary>
/// Weights of the score components. Errors, 5xx and latency follow the user's original split (40 / 30 / 30) and form
/// the score's denominator; traffic loss and custom metrics add their weight on top (see <see cref="RiskScorer"/>).
/// </summary>
public sealed record ScoreWeights(double Errors, double ServerErrors, double Latency, double Traffic = 30);
