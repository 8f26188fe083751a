namespace ReleaseRadar.Engine;

/// <summary>Which way is worse for a metric.</summary>
public enum Direction
{
    IncreaseIsBad,
    DecreaseIsBad,
}
