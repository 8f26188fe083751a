using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Cli.Output;

namespace ReleaseRadar.UnitTests.Cli;

/// <summary>The text `analyze` prints: what a Release does not say is left out, not shown as "?".</summary>
public sealed class StatusTextTests
{
    private static Release Read(string spec) =>
        ManifestReader
            .ReadReleases(
                "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata: {name: checkout, namespace: shop}\nspec:\n"
                    + "  selector: {service: checkout}\n"
                    + spec
            )
            .Single();

    [Fact]
    public void A_release_without_a_commit_prints_no_commit()
    {
        var first = StatusText.Render(Read("  version: v2\n"), new ReleaseStatus { Phase = "Pending" }).Split('\n')[0];
        Assert.Equal("Release shop/checkout  version v2", first);
    }

    [Fact]
    public void A_release_with_version_and_commit_prints_both()
    {
        var first = StatusText.Render(Read("  version: v2\n  commit: abc1234\n"), new ReleaseStatus { Phase = "Pending" }).Split('\n')[0];
        Assert.Equal("Release shop/checkout  version v2  commit abc1234", first);
    }
}
