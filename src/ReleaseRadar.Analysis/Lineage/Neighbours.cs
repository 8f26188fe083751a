using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Analysis.Lineage;

/// <summary>What a Release's neighbours on its target mean for its reconcile.</summary>
/// <param name="Owns">Whether it is the one Release that annotates the Deployment: the oldest bound to the revision it runs now.</param>
/// <param name="OnCurrent">
/// Whether it is bound to the revision the Deployment runs now. Any such Release may undo it (the Undo itself tests the
/// judged pod template), so a second Release of the same rollout never silences the one that asked for Undo.
/// </param>
/// <param name="Predecessor">The Release of the target deployed before it.</param>
/// <param name="Current">Another Release bound to the revision the Deployment runs now (its successor, once superseded).</param>
/// <param name="Baseline">A clean window to read the baseline from instead of the pre-deploy one (null: the pre-deploy one is clean).</param>
public sealed record Neighbours(bool Owns, bool OnCurrent, ReleaseLink? Predecessor, ReleaseLink? Current, PinnedBaseline? Baseline)
{
    public static Neighbours Alone { get; } = new(true, true, null, null, null);
}
