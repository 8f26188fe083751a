namespace ReleaseRadar.Analysis.Planning;

/// <summary>What spec.rollback asks for on a risky verdict: nothing, an annotation on the target, or its undo.</summary>
public enum RollbackMode
{
    None,
    Annotate,
    Undo,
}
