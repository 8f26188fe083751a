using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Reconcile;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class RevisionBinderTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    private static TargetView At(string revision, string? rolledBackBy = null, string? rolledBackFrom = null) =>
        new("shop", "checkout", true, revision, RolledBackBy: rolledBackBy, RolledBackFrom: rolledBackFrom);

    private static readonly ReplicaSetFact V1 = new("checkout-aaa", "1", "aaa", T.AddHours(-2));
    private static readonly ReplicaSetFact V2 = new("checkout-bbb", "2", "bbb", T);

    [Fact]
    public void A_late_release_is_anchored_at_its_replicaset_creation()
    {
        var b = RevisionBinder.Bind("checkout-v2", T.AddMinutes(10), BindingSource.Created, Step, At("2"), [V1, V2]);
        Assert.Equal(("2", "bbb", T, BindingSource.ReplicaSet), (b.Revision, b.PodTemplateHash, b.DeployedAt, b.Source));
        Assert.Contains("10m after", b.Note);
    }

    [Fact]
    public void A_deploy_time_within_a_step_of_the_replicaset_needs_no_note()
    {
        var b = RevisionBinder.Bind("checkout-v2", T.AddSeconds(30), BindingSource.DeployedAt, Step, At("2"), [V1, V2]);
        Assert.Equal(("2", T), (b.Revision, b.DeployedAt));
        Assert.Null(b.Note);
    }

    [Fact]
    public void A_release_about_an_earlier_rollout_is_bound_to_it_not_to_the_one_running_now()
    {
        var v3 = new ReplicaSetFact("checkout-ccc", "3", "ccc", T.AddMinutes(40));
        var b = RevisionBinder.Bind("checkout-v2", T.AddMinutes(1), BindingSource.DeployedAt, Step, At("3"), [V1, V2, v3]);
        Assert.Equal(("2", "bbb"), (b.Revision, b.PodTemplateHash));
        Assert.True(new Observation(new ReleaseSubject("shop", "checkout-v2", 1, T, null), null, At("3"), true, [], b).MovedOn);
    }

    [Fact]
    public void A_release_recreated_after_its_own_undo_is_bound_to_what_it_rolled_back()
    {
        // The Undo brought v1's template back: its ReplicaSet is revision 3 now, and the Deployment records the Undo.
        var v1Again = V1 with
        {
            Revision = "3",
        };
        var target = At("3", rolledBackBy: "checkout-v2", rolledBackFrom: "bbb");
        var b = RevisionBinder.Bind("checkout-v2", T.AddMinutes(30), BindingSource.Created, Step, target, [v1Again, V2]);
        Assert.Equal(("2", "bbb"), (b.Revision, b.PodTemplateHash));
        // Another Release created now is about the rollback, which it did not cause.
        var other = RevisionBinder.Bind("checkout-v9", T.AddMinutes(30), BindingSource.Created, Step, target, [v1Again, V2]);
        Assert.Equal(("3", "aaa"), (other.Revision, other.PodTemplateHash));
    }

    [Fact]
    public void A_template_seen_before_does_not_date_the_rollout_by_its_old_replicaset()
    {
        var v1Again = V1 with { Revision = "3" };
        var b = RevisionBinder.Bind("checkout-back", T.AddMinutes(20), BindingSource.DeployedAt, Step, At("3"), [v1Again, V2]);
        Assert.Equal(("3", "aaa", T.AddMinutes(20), BindingSource.DeployedAt), (b.Revision, b.PodTemplateHash, b.DeployedAt, b.Source));
        Assert.Contains("seen before", b.Note);
    }

    [Fact]
    public void Without_replicasets_the_stated_time_and_current_revision_are_kept()
    {
        var b = RevisionBinder.Bind("checkout-v2", T, BindingSource.Created, Step, At("7"), []);
        Assert.Equal(("7", null, T, BindingSource.Created), (b.Revision, b.PodTemplateHash, b.DeployedAt, b.Source));
    }

    [Fact]
    public void A_deploy_time_older_than_every_replicaset_binds_the_current_one_and_says_so()
    {
        var b = RevisionBinder.Bind("checkout-v2", T.AddHours(-5), BindingSource.DeployedAt, Step, At("2"), [V1, V2]);
        Assert.Equal(("2", T.AddHours(-5), BindingSource.DeployedAt), (b.Revision, b.DeployedAt, b.Source));
        Assert.Contains("No ReplicaSet", b.Note);
    }

    [Fact]
    public void Tolerance_is_two_steps_or_two_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), RevisionBinder.Tolerance(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromMinutes(10), RevisionBinder.Tolerance(TimeSpan.FromMinutes(5)));
    }

    private static LineageEntry Entry(string name, RevisionBinding? binding, Verdict? verdict, DateTimeOffset created, TimeWindow? window = null) =>
        new($"shop/{name}", name, name, created, binding, verdict, null, window);

    private static RevisionBinding Bound(string revision, string hash, DateTimeOffset at) =>
        new(revision, hash, "rs-" + hash, at, BindingSource.ReplicaSet);

    [Fact]
    public void The_oldest_release_bound_to_the_running_revision_owns_the_deployment()
    {
        var hook = Entry("web-helm-r2", Bound("2", "bbb", T), null, T);
        var tracked = Entry("web-tracked", Bound("2", "bbb", T), null, T.AddSeconds(5));
        var old = Entry("web-helm-r1", Bound("1", "aaa", T.AddHours(-2)), Verdict.Ok, T.AddHours(-2));
        Assert.True(ReleaseNeighbourhood.Around(hook, [tracked, old], "2", TimeSpan.FromHours(1)).Owns);
        Assert.False(ReleaseNeighbourhood.Around(tracked, [hook, old], "2", TimeSpan.FromHours(1)).Owns);
        Assert.False(ReleaseNeighbourhood.Around(old, [hook, tracked], "2", TimeSpan.FromHours(1)).Owns);
        // Any Release of the running rollout may undo it; one of an older rollout may not.
        Assert.True(ReleaseNeighbourhood.Around(tracked, [hook, old], "2", TimeSpan.FromHours(1)).OnCurrent);
        Assert.False(ReleaseNeighbourhood.Around(old, [hook, tracked], "2", TimeSpan.FromHours(1)).OnCurrent);
        Assert.Equal("web-helm-r1", ReleaseNeighbourhood.Around(hook, [tracked, old], "2", TimeSpan.FromHours(1)).Predecessor?.Name);
    }

    [Fact]
    public void After_a_risky_predecessor_the_baseline_is_the_last_ok_releases_window()
    {
        var v1Window = new TimeWindow(T.AddMinutes(-58), T.AddMinutes(-30));
        var v1 = Entry("v1", Bound("1", "aaa", T.AddHours(-1)), Verdict.Ok, T.AddHours(-1), v1Window);
        var v2 = Entry("v2", Bound("2", "bbb", T), Verdict.Risky, T, new TimeWindow(T.AddMinutes(2), T.AddMinutes(5)));
        var v3 = Entry("v3", Bound("4", "ddd", T.AddMinutes(20)), null, T.AddMinutes(20));
        var n = ReleaseNeighbourhood.Around(v3, [v1, v2], "4", TimeSpan.FromMinutes(30));
        Assert.Equal("v2", n.Predecessor?.Name);
        Assert.Equal(v1Window, n.Baseline?.Window);
        Assert.Contains("v1's analysis window", n.Baseline!.Reason);

        // With no Release judged OK before it, the stretch before the risky one.
        var alone = ReleaseNeighbourhood.Around(v3, [v2], "4", TimeSpan.FromMinutes(30));
        Assert.Equal(new TimeWindow(T.AddMinutes(-10), T), alone.Baseline?.Window);

        // A healthy predecessor leaves the pre-deploy window as it is.
        Assert.Null(ReleaseNeighbourhood.Around(v3, [v1, v2 with { Verdict = Verdict.Ok }], "4", TimeSpan.FromMinutes(30)).Baseline);
    }
}
