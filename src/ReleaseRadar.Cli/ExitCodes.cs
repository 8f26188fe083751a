using ReleaseRadar.Engine;

namespace ReleaseRadar.Cli;

/// <summary>Exit codes of `releaseradar analyze` (documented in the README), so pipelines can gate on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad input (unreadable manifest, invalid spec, bad option) or Prometheus could not be queried.</summary>
    public const int Error = 1;
    public const int Riesgoso = 2;
    public const int InsufficientData = 3;

    /// <summary>No verdict yet: the release is pending or still warming up.</summary>
    public const int NoVerdict = 4;

    /// <summary>
    /// A setup mistake: the selector (or the time range) matches no series at all, so there is nothing to judge. Apart from
    /// 3, which a genuinely quiet service gives, so a gate can tell "fix your selector" from "wait for traffic".
    /// </summary>
    public const int NoSeriesMatched = 5;

    public static int ForVerdict(Verdict? verdict) =>
        verdict switch
        {
            Verdict.Ok => Ok,
            Verdict.Risky => Riesgoso,
            Verdict.InsufficientData => InsufficientData,
            _ => NoVerdict,
        };

    /// <summary>
    /// With several releases, the worst outcome wins: error, then no series matched, risky, insufficient data, no verdict.
    /// </summary>
    public static int Worst(IEnumerable<int> codes)
    {
        int[] order = [Error, NoSeriesMatched, Riesgoso, InsufficientData, NoVerdict, Ok];
        var set = codes.ToHashSet();
        return order.FirstOrDefault(set.Contains, Ok);
    }
}
