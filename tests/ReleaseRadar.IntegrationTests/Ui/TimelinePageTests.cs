using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.IntegrationTests.Operator;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests.Ui;

/// <summary>The read-only API and the timeline page of a running operator, in real headless Chromium.</summary>
public sealed class TimelinePageTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    /// <summary>The browser scripts/bootstrap.sh found (Debian's chromium, or Google Chrome on Ubuntu runners).</summary>
    private static string Chromium =>
        Environment.GetEnvironmentVariable("RELEASERADAR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private async Task<(OperatorHarness Harness, Uri Url)> StartAsync()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        var h = await OperatorHarness.StartAsync();
        var deploys = new[] { ("shop", "checkout-v1", "good", 0), ("shop", "checkout-v2", "errors", 5), ("payments", "ledger-v7", "trickle", 10) };
        foreach (var (ns, name, scenario, minutes) in deploys)
        {
            await h.ApplyAnalyzedAsync(
                ns,
                OperatorHarness.ReleaseJson(name, scenario, BackfilledPrometheus.Deploy.AddMinutes(minutes)),
                prometheus.Server!.Url,
                BackfilledPrometheus.Deploy.AddHours(2),
                ct
            );
        }
        var port = LocalPrometheus.FreePort();
        var app = await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System, port: port);
        var url = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = url };
        for (var i = 0; i < 100; i++)
        {
            var health = JsonNode.Parse(await http.GetStringAsync("health", ct))!;
            if (health["cacheSynced"]!.GetValue<bool>() && health["releases"]!.GetValue<int>() == deploys.Length)
                break;
            await Task.Delay(100, ct);
        }
        return (h, url);
    }

    private static async Task<IBrowser> BrowserAsync(IPlaywright playwright)
    {
        if (!File.Exists(Chromium))
        {
            var reason =
                $"no browser at {Chromium}: scripts/bootstrap.sh installs Debian's chromium (apt-get install -y chromium), "
                + "or set RELEASERADAR_CHROMIUM to a Chromium or Google Chrome binary";
            if (Environment.GetEnvironmentVariable("RELEASERADAR_REQUIRE_TOOLS") == "1")
                Assert.Fail(reason);
            Assert.Skip(reason);
        }
        return await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args =
                [
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            }
        );
    }

    [Fact]
    public async Task The_api_and_page_send_security_headers_compress_and_answer_head()
    {
        var (h, url) = await StartAsync();
        await using var _ = h;
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = url,
        };
        foreach (var path in new[] { "/", "/timeline", "/releases", "/app.js" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Accept-Encoding", "gzip" } } };
            using var response = await http.SendAsync(request, ct);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.NotNull(response.Headers.CacheControl);
            if (path is "/timeline" or "/releases")
                Assert.True(response.Headers.CacheControl!.NoStore, path);
            if (path == "/timeline")
                Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
        }
        foreach (var path in new[] { "/releases", "/timeline", "/health", "/" })
        {
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), ct);
            Assert.True(head.IsSuccessStatusCode, $"HEAD {path}: {(int)head.StatusCode}");
            Assert.Empty(await head.Content.ReadAsByteArrayAsync(ct));
        }
    }

    [Fact]
    public async Task The_page_shows_releases_coloured_by_verdict_over_a_chart_with_data()
    {
        var (h, url) = await StartAsync();
        await using var _ = h;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserAsync(playwright);
        var page = await browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            }
        );
        await page.GotoAsync(url.ToString());
        await page.WaitForSelectorAsync("body[data-loaded=true]");

        var rows = page.Locator("li.release");
        Assert.Equal(3, await rows.CountAsync());
        // Oldest first.
        Assert.Equal(
            ["shop/checkout-v1", "shop/checkout-v2", "payments/ledger-v7"],
            await rows.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.name)")
        );
        var risky = page.Locator("li.release[data-name='shop/checkout-v2']");
        Assert.Equal(StatusWire.Word(Verdict.Risky), await risky.Locator(".badge").InnerTextAsync());
        Assert.Contains("verdict-risky", await risky.GetAttributeAsync("class"));
        Assert.Equal("rgb(163, 22, 27)", await risky.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor"));
        Assert.Equal("OK", await page.Locator("li.release[data-name='shop/checkout-v1'] .badge").InnerTextAsync());
        Assert.Equal(
            "rgb(19, 112, 58)",
            await page.Locator("li.release[data-name='shop/checkout-v1']").EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor")
        );
        Assert.Equal(
            StatusWire.Word(Verdict.InsufficientData),
            await page.Locator("li.release[data-name='payments/ledger-v7'] .badge").InnerTextAsync()
        );

        Task<int> Points(string kind) =>
            page.EvaluateAsync<int>(
                $"() => window.releaseRadarChart.data.datasets.filter(d => d.kind === '{kind}').reduce((n, d) => n + d.data.length, 0)"
            );
        Assert.InRange(await Points("errors"), 61, int.MaxValue);
        Assert.InRange(await Points("latency"), 61, int.MaxValue);
        Assert.Equal(3, await Points("deploys")); // one deploy marker per release
        // Each release's points are drawn with the colour of its verdict at that analysis.
        Assert.Contains(
            "#a3161b",
            await page.EvaluateAsync<string[]>(
                $"() => window.releaseRadarChart.data.datasets.filter(d => d.kind === 'errors')[1].data.map(p => ({{ OK: '#13703a', "
                    + $"{StatusWire.Word(Verdict.Risky)}: '#a3161b' }})[p.verdict] ?? '')"
            )
        );

        // Expanding a release loads its reasons from /analysis.
        await risky.Locator("summary").ClickAsync();
        await risky.Locator(".reasons li", new LocatorLocatorOptions { HasTextString = "5xx rate up" }).WaitForAsync();

        Directory.CreateDirectory(Path.Combine(Packaging.Tools.Root, "artifacts"));
        await page.ScreenshotAsync(
            new PageScreenshotOptions { Path = Path.Combine(Packaging.Tools.Root, "artifacts", "timeline.png"), FullPage = true }
        );
    }

    [Fact]
    public async Task The_page_is_usable_from_the_keyboard_and_on_a_phone()
    {
        var (h, url) = await StartAsync();
        await using var _ = h;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserAsync(playwright);
        var page = await browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            }
        );
        await page.GotoAsync(url.ToString());
        await page.WaitForSelectorAsync("body[data-loaded=true]");
        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways on a phone"
        );

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("namespace", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.SelectOptionAsync("#namespace", "payments"); // a select changes with the arrow keys; this is the same event
        await page.WaitForFunctionAsync("() => document.querySelectorAll('li.release').length === 1");
        Assert.Equal("payments/ledger-v7", await page.Locator("li.release").GetAttributeAsync("data-name"));
        // Focus is visible: the outline of :focus-visible is drawn.
        await page.Keyboard.PressAsync("Tab");
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
    }

    [Fact]
    public async Task The_api_answers_from_the_cache_with_its_documented_shapes()
    {
        var (h, url) = await StartAsync();
        await using var _ = h;
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = url };
        var before = h.Api.RequestLog.Count(l => l.StartsWith("GET /apis/releaseradar.io/v1alpha1/namespaces", StringComparison.Ordinal));

        var releases = JsonNode.Parse(await http.GetStringAsync("releases", ct))!.AsArray();
        Assert.Equal(3, releases.Count);
        Assert.Equal("ledger-v7", releases[0]!["name"]!.GetValue<string>()); // newest first
        foreach (var field in new[] { "namespace", "name", "version", "deployedAt", "phase", "verdict", "riskScore", "errorRate", "latencyP95" })
            Assert.True(releases[1]!.AsObject().ContainsKey(field), field);
        var risky = JsonNode.Parse(await http.GetStringAsync($"releases?verdict={StatusWire.Word(Verdict.Risky)}", ct))!.AsArray();
        Assert.Equal("checkout-v2", Assert.Single(risky)!["name"]!.GetValue<string>());
        Assert.Equal(2, JsonNode.Parse(await http.GetStringAsync("releases?namespace=shop", ct))!.AsArray().Count);

        var analysis = JsonNode.Parse(await http.GetStringAsync("analysis/shop/checkout-v2", ct))!;
        Assert.Equal(StatusWire.Word(Verdict.Risky), analysis["release"]!["verdict"]!.GetValue<string>());
        Assert.True(analysis["reasons"]!.AsArray().Count > 0);
        Assert.True(analysis["history"]!.AsArray().Count > 20);
        Assert.NotNull(analysis["baseline"]!["errorRate"]);
        var missing = await http.GetAsync("analysis/shop/nope", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Release shop/nope not found", JsonNode.Parse(await missing.Content.ReadAsStringAsync(ct))!["error"]!.GetValue<string>());

        var timeline = JsonNode.Parse(await http.GetStringAsync("timeline?namespace=shop", ct))!.AsArray();
        Assert.Equal(["checkout-v1", "checkout-v2"], timeline.Select(t => t!["release"]!["name"]!.GetValue<string>()));

        var openapi = JsonNode.Parse(await http.GetStringAsync("openapi/v1.json", ct))!["paths"]!.AsObject();
        foreach (var path in new[] { "/health", "/releases", "/analysis/{namespace}/{name}", "/timeline" })
            Assert.True(openapi.ContainsKey(path), path);

        // Served from the watch cache: answering did not read Releases from the API server.
        var after = h.Api.RequestLog.Count(l => l.StartsWith("GET /apis/releaseradar.io/v1alpha1/namespaces", StringComparison.Ordinal));
        Assert.Equal(before, after);
        // Read-only: nothing but GET is mapped.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("releases", new StringContent("{}"), ct)).StatusCode);
    }
}
