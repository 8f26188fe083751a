using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

public sealed record ScalarWindow(ImmutableArray<ScalarPoint> Points, int ExpectedSteps, int InvalidValues = 0);
