namespace ReleaseRadar.Operator.Store;

/// <summary>Which <see cref="IReleaseStore"/> the operator runs (<c>--store</c>).</summary>
public enum ReleaseStoreKind
{
    /// <summary><see cref="Fast.PackedReleaseStore"/>: histories packed, the watch read by its head. The default.</summary>
    Packed,

    /// <summary><see cref="PlainReleaseStore"/>: KubernetesClient's typed calls and whole objects.</summary>
    Plain,
}
