namespace ReleaseRadar.Operator.Controller;

/// <summary>Thrown instead of writing when this replica cannot show it still holds the Lease.</summary>
internal sealed class LeadershipLostException(string message) : Exception(message);
