using k8s;
using YamlDotNet.Core;

namespace ReleaseRadar.Core.Model;

public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads Release manifests (YAML or JSON, one or several documents) with messages that point at the problem.</summary>
public static class ManifestReader
{
    public static IReadOnlyList<Release> ReadReleases(string text, string source = "manifest")
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ManifestException($"{source}: the file is empty");
        var releases = new List<Release>();
        var documents = SplitDocuments(text);
        for (var i = 0; i < documents.Count; i++)
        {
            var doc = documents[i];
            var where = documents.Count > 1 ? $"{source} (document {i + 1})" : source;
            Release release;
            try
            {
                release = doc.TrimStart().StartsWith('{') ? KubernetesJson.Deserialize<Release>(doc) : KubernetesYaml.Deserialize<Release>(doc);
            }
            catch (YamlException e)
            {
                throw new ManifestException($"{where}: not valid YAML for a Release at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", e);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new ManifestException($"{where}: not valid JSON for a Release: {e.Message}", e);
            }
            if (release is null) continue;
            if (release.Kind != Release.KindName)
            {
                if (string.IsNullOrEmpty(release.Kind)) throw new ManifestException($"{where}: has no 'kind'; expected kind: Release");
                continue; // other kinds in the same file (a Deployment next to its Release) are fine
            }
            if (release.ApiVersion != Release.ApiVersionValue)
                throw new ManifestException($"{where}: apiVersion '{release.ApiVersion}' is not {Release.ApiVersionValue}");
            release.Spec ??= new ReleaseSpec();
            releases.Add(release);
        }
        if (releases.Count == 0) throw new ManifestException($"{source}: contains no Release (kind: Release, apiVersion: {Release.ApiVersionValue})");
        return releases;
    }

    private static List<string> SplitDocuments(string text)
    {
        var docs = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.TrimEnd() == "---")
            {
                if (current.ToString().Trim().Length > 0) docs.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(line).Append('\n');
        }
        if (current.ToString().Trim().Length > 0) docs.Add(current.ToString());
        return docs;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
