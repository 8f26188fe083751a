namespace ReleaseRadar.Analysis.State;

/// <summary>What Release Radar can do to a target Deployment.</summary>
public enum ReleaseAction
{
    Annotate,
    Undo,
}
