using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Cli.Demo;

/// <summary>
/// The demo's sequence, as the operator runs one on a Deployment: each version ships as a new revision and its Release is
/// bound to it; a Release judged risky with <c>rollback: Undo</c> rolls the simulated checkout back to the template before
/// it; a Release whose revision no longer runs is superseded, its verdict frozen; and a Release whose pre-deploy window
/// overlaps a risky predecessor reads its baseline from the last Release judged OK. The rules are the operator's own
/// (<see cref="ReleaseNeighbourhood"/>); only the Deployment is the simulator's.
/// </summary>
public sealed class DemoStory(DemoScript script, ScenarioRunner runner, ReleaseAnalyzer analyzer)
{
    /// <summary>One Release of the story.</summary>
    public sealed class Row(Release release, RevisionBinding binding)
    {
        public Release Release { get; } = release;
        public RevisionBinding Binding { get; } = binding;
        public ReleaseState State { get; set; } = ReleaseState.Empty with { Binding = binding, TargetRevision = binding.Revision };

        /// <summary>First due at its deploy time: analysed only once that time is behind the analysis clock.</summary>
        public DateTimeOffset? Due { get; set; } = binding.DeployedAt;
        public string Version => Release.Spec.Version ?? "?";
    }

    // Replaced, never changed in place: the demo's site reads it from its own threads.
    private System.Collections.Immutable.ImmutableList<Row> _rows = [];
    private int _revision = 1; // v0 is revision 1
    private string _running = "v0";
    private DateTimeOffset? _undoneAt;

    /// <summary>The Releases shipped so far (the demo runs the story on one loop: no other thread touches it).</summary>
    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>The revision and template the simulated Deployment runs now.</summary>
    public string Running => $"revision {_revision} ({_running})";

    /// <summary>Whether every version has shipped and every Release is done.</summary>
    public bool Done => _rows.Count == 3 && _rows.All(r => r.Due is null);

    /// <summary>Ships what is due at <paramref name="wall"/>; returns what happened, for the plain output.</summary>
    public IEnumerable<string> Advance(DateTimeOffset wall)
    {
        var elapsed = wall - script.Start;
        if (_rows.Count == 0 && elapsed >= DemoScript.V1At)
            yield return Ship("v1", script.Start + DemoScript.V1At, "healthy");
        if (_rows.Count == 1 && elapsed >= DemoScript.V2At)
            yield return Ship("v2", script.Start + DemoScript.V2At, "it will degrade");
        if (_rows.Count == 2 && (_undoneAt is { } u ? wall >= u + DemoScript.FixAfterUndo : elapsed >= DemoScript.V3AtLatest))
        {
            runner.Deploy(DemoScript.Service, "v3", Scenarios.Good, wall);
            runner.StartIncident(Scenarios.TrafficSpike, DemoScript.Window + TimeSpan.FromSeconds(10), wall + DemoScript.SpikeAfterV3);
            yield return Ship("v3", wall, "the fix");
            yield return $"an outside traffic spike will hit every service, catalog (the control) included, from "
                + $"+{(wall + DemoScript.SpikeAfterV3 - script.Start).TotalSeconds:0}s";
        }
    }

    private string Ship(string version, DateTimeOffset at, string what)
    {
        _revision++;
        _running = version;
        var binding = new RevisionBinding($"{_revision}", version, null, at, BindingSource.DeployedAt);
        _rows = _rows.Add(new Row(DemoScript.Make(version, at), binding));
        return $"checkout {version} ships as revision {_revision} ({what}); its Release {DemoScript.Service}-{version} is bound to it";
    }

    /// <summary>
    /// Runs what is due at <paramref name="at"/> (a moment behind the wall clock, so the last step's scrapes have landed):
    /// supersedes the Releases whose revision no longer runs, analyses the others, and undoes a risky one.
    /// </summary>
    public async Task<IReadOnlyList<(Row Row, AnalysisOutcome? Outcome, string? Said)>> TickAsync(DateTimeOffset at, CancellationToken ct)
    {
        var done = new List<(Row, AnalysisOutcome?, string?)>();
        foreach (var row in _rows.Where(r => r.Due is { } due && due <= at))
        {
            if (row.Binding.PodTemplateHash != _running && row.State.Phase != ReleasePhase.Completed)
            {
                var successor = _rows.FirstOrDefault(r => r.Binding.Revision == $"{_revision}");
                var undone = row.State.Actions.Any(a => a.Action == ReleaseAction.Undo);
                Store(row, ReleaseNeighbourhood.Supersede(row.State, Target, $"{_revision}", Link(successor), undone, at, 1));
                row.Due = null;
                done.Add((row, null, $"Superseded: {row.State.Condition(ConditionType.Superseded)?.Message}"));
                continue;
            }
            var neighbours = ReleaseNeighbourhood.Around(
                Entry(row),
                [.. _rows.Where(r => r != row).Select(Entry)],
                $"{_revision}",
                DemoScript.Window
            );
            var planned = ReleasePlanner.Plan(row.Release.Subject);
            if (planned.Plan is { } plan)
                planned = planned with { Plan = plan with { PinnedBaseline = neighbours.Baseline } };
            var state = row.State with { Predecessor = neighbours.Predecessor ?? row.State.Predecessor };
            var outcome = await analyzer.AnalyzeAsync(row.Release.Subject, state, planned, at, ct);
            Store(row, outcome.State);
            row.Due = outcome.NextAnalysis;
            done.Add((row, outcome, null));
            if (outcome.State.Verdict == Verdict.Risky && neighbours.OnCurrent && !outcome.State.Actions.Any(a => a.Action == ReleaseAction.Undo))
                done.Add((row, null, Undo(row, at)));
        }
        return done;
    }

    /// <summary>What the operator's Undo does to a Deployment: back to the template before, as a new revision, recorded.</summary>
    private string Undo(Row row, DateTimeOffset at)
    {
        var before = _rows.Where(r => r.Binding.DeployedAt < row.Binding.DeployedAt).LastOrDefault();
        var back = before?.Version ?? "v0";
        var backRevision = before?.Binding.Revision ?? "1"; // v0 is revision 1
        runner.Deploy(DemoScript.Service, back, Scenarios.Good, at);
        _revision++;
        _running = back;
        _undoneAt = at;
        var message =
            $"Rolled back from revision {row.Binding.Revision} (template {row.Version}) to the template of {back}, now revision {_revision}";
        Store(
            row,
            row.State with
            {
                Actions =
                [
                    .. row.State.Actions,
                    new ActionTaken(at, ReleaseAction.Undo, Verdict.Risky, Target, ActionResult.Succeeded, message) { ToRevision = backRevision },
                ],
            }
        );
        return $"Undo (rollback: Undo, verdict {Vocabulary.Word(Verdict.Risky)}): {message}";
    }

    private static void Store(Row row, ReleaseState state)
    {
        row.State = state;
        row.Release.Status = StatusWire.ToWire(state);
    }

    private static string Target => $"Deployment {DemoScript.Namespace}/{DemoScript.Service}";

    private static LineageEntry Entry(Row r) => LineageEntry.Of(r.Release.Subject, r.State);

    private static ReleaseLink? Link(Row? r) => r is null ? null : Entry(r).Link;
}
