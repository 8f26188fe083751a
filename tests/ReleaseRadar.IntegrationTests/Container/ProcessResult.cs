namespace ReleaseRadar.IntegrationTests.Container;

public sealed record ProcessResult(int Exit, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {Exit}\nstdout: {Stdout}\nstderr: {Stderr}";
}
