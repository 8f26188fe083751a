namespace ReleaseRadar.Engine;

/// <summary>Which part of the release window a finding judged.</summary>
public enum FindingScope
{
    /// <summary>The whole window since the warm-up.</summary>
    Window,

    /// <summary>Only the last <see cref="AnalysisPolicy.RecentSteps"/> steps: a regression that began late.</summary>
    Recent,
}
