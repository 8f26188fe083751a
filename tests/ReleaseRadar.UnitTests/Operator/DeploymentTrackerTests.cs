using k8s.Models;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>Auto-tracking reads a Deployment's annotations: a bad one is named, never thrown.</summary>
public sealed class DeploymentTrackerTests
{
    private static V1Deployment Tracked(string name, params (string Key, string Value)[] annotations)
    {
        var a = new Dictionary<string, string> { [DeploymentTracker.Track] = "true", ["deployment.kubernetes.io/revision"] = "3" };
        foreach (var (k, v) in annotations)
            a[k] = v;
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "shop",
                Uid = "u1",
                Annotations = a,
                Labels = new Dictionary<string, string> { ["app"] = name },
            },
        };
    }

    [Theory]
    [InlineData(DeploymentTracker.SelectorAnnotation, "service=a,service=b", "gives label service twice")]
    [InlineData(DeploymentTracker.ControlAnnotation, "env=x, env=y", "gives label env twice")]
    [InlineData(DeploymentTracker.RollbackAnnotation, "yes", "must be one of None, Annotate, Undo")]
    public void A_bad_annotation_is_named_and_makes_no_release(string key, string value, string expected)
    {
        var release = DeploymentTracker.ReleaseFor(Tracked("web", (key, value)), DateTimeOffset.UnixEpoch, out var problem);
        Assert.Null(release);
        Assert.Contains(expected, problem);
        Assert.Contains(key, problem);
    }

    [Fact]
    public void A_name_too_long_for_a_label_value_is_cut_with_a_hash_that_keeps_two_long_names_apart()
    {
        var a = new string('a', 70);
        var b = new string('a', 69) + "b";
        var release = DeploymentTracker.ReleaseFor(Tracked(a), DateTimeOffset.UnixEpoch, out var problem);
        Assert.Null(problem);
        var label = release!.Metadata.Labels["releaseradar.io/deployment"];
        Assert.Equal(63, label.Length);
        Assert.NotEqual(label, DeploymentTracker.LabelValue(b));
        Assert.Equal("web", DeploymentTracker.LabelValue("web"));
    }
}
