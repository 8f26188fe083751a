using System.Net.Http.Json;
using System.Text;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Posts Slack-compatible JSON ({"text": …}) on verdict transitions. The URL lives in a Secret (key "url"), read when
/// needed, so rotating it needs no restart and it never appears in arguments, logs or status.
/// </summary>
public sealed class WebhookNotifier(IKubernetes client, HttpClient http, string secretNamespace, string secretName, ILogger logger)
{
    public async Task NotifyAsync(Release release, string? from, string to, CancellationToken ct)
    {
        string url;
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, secretNamespace, cancellationToken: ct);
            if (secret.Data?.TryGetValue("url", out var bytes) != true || bytes is null)
            {
                logger.LogWarning("Webhook Secret {Ns}/{Name} has no key 'url'; notification skipped", secretNamespace, secretName);
                return;
            }
            url = Encoding.UTF8.GetString(bytes).Trim();
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            logger.LogWarning("Cannot read webhook Secret {Ns}/{Name} ({Status}); notification skipped", secretNamespace, secretName, e.Response.StatusCode);
            return;
        }

        var s = release.Status;
        var text = new StringBuilder()
            .Append(to == "RIESGOSO" ? ":rotating_light: " : ":white_check_mark: ")
            .Append($"*{to}* {release.Key} ({release.Spec.Version ?? "?"}), risk {s?.RiskScore}/100")
            .Append(from is null ? "" : $" (was {from})");
        foreach (var reason in (s?.Reasons ?? []).Take(3)) text.Append("\n• ").Append(reason);
        try
        {
            using var response = await http.PostAsJsonAsync(url, new { text = text.ToString() }, ct);
            if (!response.IsSuccessStatusCode) logger.LogWarning("Webhook answered {Status} for {Release}", (int)response.StatusCode, release.Key);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Webhook notification for {Release} failed: {Error}", release.Key, e.Message);
        }
    }
}
