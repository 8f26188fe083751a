using ReleaseRadar.Operator.Reconcile;

namespace ReleaseRadar.IntegrationTests.Operator;

public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("file:///etc/passwd", "scheme 'file' is not http or https")]
    [InlineData("gopher://internal:70/", "scheme 'gopher' is not http or https")]
    [InlineData("not a url", "not an absolute URL")]
    [InlineData("http://169.254.169.254/latest/meta-data", "host '169.254.169.254' is not in --webhook-allowed-hosts")]
    public void A_webhook_url_outside_http_or_the_allow_list_is_refused_without_echoing_it(string url, string expected)
    {
        var why = WebhookNotifier.Validate(url, new HashSet<string> { "hooks.slack.com" });
        Assert.NotNull(why);
        Assert.Contains(expected, why);
        Assert.DoesNotContain("passwd", why);
        Assert.Null(WebhookNotifier.Validate("https://hooks.slack.com/services/T0/B0/x", new HashSet<string> { "hooks.slack.com" }));
        Assert.Null(WebhookNotifier.Validate("http://anything.internal/hook", new HashSet<string>()));
    }

    [Fact]
    public async Task The_webhook_client_does_not_follow_redirects()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        using var listener = new System.Net.HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var followed = false;
        var serving = Task.Run(
            async () =>
            {
                while (listener.IsListening)
                {
                    System.Net.HttpListenerContext ctx;
                    try
                    {
                        ctx = await listener.GetContextAsync();
                    }
                    catch (System.Net.HttpListenerException)
                    {
                        return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                    if (ctx.Request.Url!.AbsolutePath == "/internal")
                        followed = true;
                    ctx.Response.StatusCode = ctx.Request.Url.AbsolutePath == "/hook" ? 302 : 200;
                    ctx.Response.RedirectLocation = "/internal";
                    ctx.Response.Close();
                }
            },
            ct
        );
        using var http = WebhookNotifier.CreateHttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}"), ct);
        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
        Assert.False(followed);
        listener.Stop();
    }
}
