using System.Collections.Immutable;

namespace ReleaseRadar.Engine.Baselines;

/// <summary>
/// What the screen found in one metric's baseline: the stretches to leave out, and whether the steps that remain are a
/// reference an OK can rest on.
/// </summary>
/// <param name="LeftOut">End times of the steps outside the reference: what a judgement against it leaves out.</param>
/// <param name="OutsideWorst">End times of the steps outside the worst regime (the incident, or the stretches).</param>
/// <param name="Trusted">
/// The remaining steps are the service's usual self: the stretches are excursions, or the release's own early onset, and
/// the rest holds at least half the baseline. An untrusted screen (an incident still running at the deploy, or a
/// baseline mostly worse than its best stretch) decides nothing alone: see <see cref="ScreenedJudgement"/>.
/// </param>
public sealed record ScreenedBaseline(
    ImmutableArray<BaselineStretch> Stretches,
    ImmutableHashSet<DateTimeOffset> LeftOut,
    ImmutableHashSet<DateTimeOffset> OutsideWorst,
    bool Trusted
)
{
    public static ScreenedBaseline Clean { get; } = new([], [], [], true);

    public bool IsClean => Stretches.IsEmpty;

    public BaselineStretch? EarlyOnset => Stretches.FirstOrDefault(s => s.Kind == StretchKind.EarlyOnset);
}
