namespace ReleaseRadar.Engine;

/// <summary>
/// When a change of one metric counts as a regression. Both tests must pass:
/// statistical (p below <see cref="Alpha"/>) and practical (at least <see cref="MinRatio"/> times the baseline
/// <b>and</b> at least <see cref="MinIncrease"/> worse in absolute terms).
/// </summary>
/// <param name="MinIncrease">Absolute floor in the metric's own unit: a ratio (0.001 = 0.1 pp) or seconds.</param>
/// <param name="Critical">A confirmed regression of a critical metric makes the release risky whatever the score.</param>
public sealed record Thresholds(double MinRatio, double MinIncrease, double Alpha, bool Critical);
