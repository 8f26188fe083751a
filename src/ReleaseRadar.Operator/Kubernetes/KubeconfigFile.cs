using k8s.KubeConfigModels;
using ReleaseRadar.Operator.Kubernetes.Kubeconfig;
using YamlDotNet.Serialization;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>
/// Reads a kubeconfig into KubernetesClient's model without reflection: the client's own reader builds a reflection-based
/// YAML deserializer, which the native binary cannot run. Unknown keys are skipped, as kubectl does.
/// </summary>
internal static class KubeconfigFile
{
    public static K8SConfiguration Read(string path)
    {
        var deserializer = new StaticDeserializerBuilder(new KubeconfigYamlContext())
            .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.CamelCaseNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build();
        KubeconfigDocument doc;
        try
        {
            doc =
                deserializer.Deserialize<KubeconfigDocument?>(File.ReadAllText(path))
                ?? throw new InvalidOperationException($"The kubeconfig at {path} is empty");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidOperationException(
                $"The kubeconfig at {path} is not valid YAML: line {e.Start.Line}: {(e.InnerException ?? e).Message}",
                e
            );
        }
        return new K8SConfiguration
        {
            // Relative certificate and key paths are relative to the file, as kubectl resolves them.
            FileName = Path.GetFullPath(path),
            CurrentContext = doc.CurrentContext,
            Clusters = doc
                .Clusters.Select(c => new Cluster
                {
                    Name = c.Name,
                    ClusterEndpoint = c.Cluster is not { } e
                        ? null
                        : new ClusterEndpoint
                        {
                            Server = e.Server,
                            CertificateAuthority = e.CertificateAuthority,
                            CertificateAuthorityData = e.CertificateAuthorityData,
                            SkipTlsVerify = e.InsecureSkipTlsVerify,
                            TlsServerName = e.TlsServerName,
                        },
                })
                .ToList(),
            Contexts = doc
                .Contexts.Select(c => new Context
                {
                    Name = c.Name,
                    ContextDetails = c.Context is not { } d
                        ? null
                        : new ContextDetails
                        {
                            Cluster = d.Cluster,
                            User = d.User,
                            Namespace = d.Namespace,
                        },
                })
                .ToList(),
            Users = doc.Users.Select(u => new User { Name = u.Name, UserCredentials = u.User is null ? null : Credentials(u.User) }).ToList(),
        };
    }

    private static UserCredentials Credentials(UserEntry u) =>
        new()
        {
            Token = u.Token,
            UserName = u.Username,
            Password = u.Password,
            ClientCertificate = u.ClientCertificate,
            ClientCertificateData = u.ClientCertificateData,
            ClientKey = u.ClientKey,
            ClientKeyData = u.ClientKeyData,
            ExternalExecution = u.Exec is not { } x
                ? null
                : new ExternalExecution
                {
                    ApiVersion = x.ApiVersion,
                    Command = x.Command,
                    Arguments = x.Args,
                    EnvironmentVariables = x
                        .Env.Select(v => new Dictionary<string, string> { ["name"] = v.Name ?? "", ["value"] = v.Value ?? "" })
                        .ToList(),
                    ProvideClusterInfo = x.ProvideClusterInfo,
                },
        };
}
