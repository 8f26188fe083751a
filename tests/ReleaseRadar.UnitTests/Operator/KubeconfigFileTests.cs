using k8s;
using ReleaseRadar.Operator.Kubernetes;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class KubeconfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Kubectl_names_pick_the_current_context_its_cluster_its_user_and_its_namespace()
    {
        var path = Write(
            """
            apiVersion: v1
            kind: Config
            preferences: {colors: true}
            clusters:
              - name: other
                cluster: {server: "https://other:6443"}
              - name: prod
                cluster: {server: "https://prod:6443", insecure-skip-tls-verify: true, tls-server-name: api.prod}
                extensions: [{name: x, extension: {a: 1}}]
            users:
              - name: ci
                user: {token: s3cret, username: ignored-with-token}
            contexts:
              - name: a
                context: {cluster: other, user: ci}
              - name: b
                context: {cluster: prod, user: ci, namespace: team-a}
            current-context: b
            """
        );

        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFile.Read(path));

        Assert.Equal("https://prod:6443/", config.Host.TrimEnd('/') + "/");
        Assert.True(config.SkipTlsVerify);
        Assert.Equal("api.prod", config.TlsServerName);
        Assert.Equal("s3cret", config.AccessToken);
        Assert.Equal("team-a", config.Namespace);
        Assert.Equal("b", config.CurrentContext);
    }

    [Fact]
    public void An_exec_credential_plugin_is_kept_with_its_arguments_and_environment()
    {
        var path = Write(
            """
            clusters: [{name: eks, cluster: {server: "https://eks:443"}}]
            users:
              - name: aws
                user:
                  exec:
                    apiVersion: client.authentication.k8s.io/v1beta1
                    command: aws
                    args: [eks, get-token, --cluster-name, prod]
                    env: [{name: AWS_PROFILE, value: ops}]
            contexts: [{name: eks, context: {cluster: eks, user: aws}}]
            current-context: eks
            """
        );

        var exec = KubeconfigFile.Read(path).Users.Single().UserCredentials.ExternalExecution;

        Assert.Equal("aws", exec.Command);
        Assert.Equal("client.authentication.k8s.io/v1beta1", exec.ApiVersion);
        Assert.Equal(["eks", "get-token", "--cluster-name", "prod"], exec.Arguments);
        Assert.Equal("ops", Assert.Single(exec.EnvironmentVariables)["value"]);
    }

    [Fact]
    public void A_file_that_is_not_yaml_is_refused_with_its_path_and_line()
    {
        var path = Write("clusters: [\n  {name: a\n");

        var e = Assert.Throws<InvalidOperationException>(() => KubeconfigFile.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("line", e.Message);
    }
}
