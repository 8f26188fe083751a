using YamlDotNet.Serialization;

namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class UserEntry
{
    public string? Token { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }

    [YamlMember(Alias = "client-certificate", ApplyNamingConventions = false)]
    public string? ClientCertificate { get; set; }

    [YamlMember(Alias = "client-certificate-data", ApplyNamingConventions = false)]
    public string? ClientCertificateData { get; set; }

    [YamlMember(Alias = "client-key", ApplyNamingConventions = false)]
    public string? ClientKey { get; set; }

    [YamlMember(Alias = "client-key-data", ApplyNamingConventions = false)]
    public string? ClientKeyData { get; set; }

    /// <summary>A credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin …).</summary>
    public ExecEntry? Exec { get; set; }
}
