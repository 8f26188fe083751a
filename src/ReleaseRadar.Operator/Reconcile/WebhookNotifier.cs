using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Posts Slack-compatible JSON ({"text": …}) on verdict transitions. The URL lives in a Secret (key "url"), read when
/// needed, so rotating it needs no restart and it never appears in arguments, logs or status.
/// A reconcile only enqueues: a slow or hanging webhook never holds a worker. The sender validates the URL (http or
/// https; an optional host allow-list), follows no redirects (a redirect could lead anywhere inside the cluster), and
/// retries a failed notification later, a bounded number of times.
/// </summary>
internal sealed class WebhookNotifier(
    IKubernetes client,
    HttpClient http,
    string secretNamespace,
    string secretName,
    IReadOnlySet<string> allowedHosts,
    TimeProvider clock,
    ILogger logger
)
{
    public const int MaxAttempts = 4;
    private readonly Channel<WebhookMessage> _queue = Channel.CreateBounded<WebhookMessage>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest }
    );

    /// <summary>An HttpClient that never follows redirects, for <see cref="WebhookNotifier"/>.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Queues the message for a verdict change of the Release <paramref name="key"/>; returns at once.</summary>
    public void Notify(string key, string? version, Notice.VerdictChanged change)
    {
        var text = new StringBuilder()
            .Append(change.To == Verdict.Risky ? ":rotating_light: " : ":white_check_mark: ")
            .Append($"*{StatusWire.Word(change.To)}* {key} ({version ?? "?"}), risk {change.RiskScore}/100")
            .Append(change.From is { } f ? $" (was {StatusWire.Word(f)})" : "");
        foreach (var reason in change.Reasons)
            text.Append("\n• ").Append(reason);
        if (!_queue.Writer.TryWrite(new WebhookMessage(key, text.ToString())))
            logger.LogWarning("Webhook queue closed; notification for {Release} dropped", key);
    }

    /// <summary>Sends queued messages until cancelled; failed ones come back after a growing delay.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(ct))
            {
                var error = await SendAsync(message, ct);
                if (error is null)
                    continue;
                if (message.Attempt >= MaxAttempts)
                {
                    logger.LogWarning(
                        "Webhook notification for {Release} failed {Attempts} times and is dropped: {Error}",
                        message.Release,
                        message.Attempt,
                        error
                    );
                    continue;
                }
                var delay = TimeSpan.FromSeconds(5 * Math.Pow(3, message.Attempt - 1)); // 5 s, 15 s, 45 s
                logger.LogWarning("Webhook notification for {Release} failed ({Error}); retrying in {Delay}", message.Release, error, delay);
                _ = RequeueAfterAsync(message with { Attempt = message.Attempt + 1 }, delay, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task RequeueAfterAsync(WebhookMessage message, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, clock, ct);
            _queue.Writer.TryWrite(message);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One attempt; null when delivered, else why not.</summary>
    public async Task<string?> SendAsync(WebhookMessage message, CancellationToken ct)
    {
        string url;
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, secretNamespace, cancellationToken: ct);
            if (secret.Data?.TryGetValue("url", out var bytes) != true || bytes is null)
                return $"Secret {secretNamespace}/{secretName} has no key 'url'";
            url = Encoding.UTF8.GetString(bytes).Trim();
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            return $"cannot read Secret {secretNamespace}/{secretName} ({(int)e.Response.StatusCode})";
        }
        if (Validate(url, allowedHosts) is { } invalid)
            return invalid;
        try
        {
            using var body = new StringContent(new JsonObject { ["text"] = message.Text }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(url, body, ct);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
                return $"the webhook answered a redirect ({status}); redirects are not followed";
            return response.IsSuccessStatusCode ? null : $"the webhook answered HTTP {status}";
        }
        catch (HttpRequestException e)
        {
            return SafeUrl.Redact(e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"the webhook did not answer within {http.Timeout.TotalSeconds:0}s";
        }
    }

    /// <summary>Why a webhook URL is refused, or null. The URL itself is never echoed (it is often a secret).</summary>
    public static string? Validate(string url, IReadOnlySet<string> allowedHosts)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return "the webhook URL in the Secret is not an absolute URL";
        if (uri.Scheme is not ("http" or "https"))
            return $"the webhook URL's scheme '{uri.Scheme}' is not http or https";
        if (allowedHosts.Count > 0 && !allowedHosts.Contains(uri.Host))
            return $"the webhook host '{uri.Host}' is not in --webhook-allowed-hosts ({string.Join(", ", allowedHosts.Order())})";
        return null;
    }
}
