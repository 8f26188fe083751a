using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Spec;

namespace ReleaseRadar.Api;

/// <summary>The analyzer called with a Release object, as the CLI, the demo and the tests hold one.</summary>
public static class ReleaseAnalyzerExtensions
{
    extension(ReleaseAnalyzer analyzer)
    {
        /// <summary>One analysis of <paramref name="release"/> at <paramref name="at"/>, from the state its status stands for.</summary>
        public Task<AnalysisOutcome> AnalyzeAsync(Release release, DateTimeOffset at, AnalysisDefaults? defaults, CancellationToken ct) =>
            analyzer.AnalyzeAsync(release.Subject, release.State, at, defaults, ct);

        /// <summary>Every analysis from the end of the warm-up up to <paramref name="at"/>, as the operator would have run them.</summary>
        public Task<AnalysisOutcome> ReplayAsync(Release release, DateTimeOffset at, AnalysisDefaults? defaults, CancellationToken ct) =>
            analyzer.ReplayAsync(release.Subject, at, defaults, ct);
    }
}
