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
                OperatorHarness.ReleaseJson(
                    name,
                    scenario,
                    BackfilledPrometheus.Deploy.AddMinutes(minutes),
                    // The overview filters by target (the Deployment's name).
                    $$""","target":{"name":"{{name.Split('-')[0]}}"}"""
                ),
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

    /// <summary>A running operator over three analysed releases, and a Chromium page of the given size opened on <paramref name="path"/>.</summary>
    private async Task<OpenPage> OpenAsync(int width, int height, string path)
    {
        var (h, url) = await StartAsync();
        var playwright = await Playwright.CreateAsync();
        var browser = await BrowserAsync(playwright);
        var page = await browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
            }
        );
        await page.GotoAsync(new Uri(url, path).ToString());
        await page.WaitForSelectorAsync("body[data-loaded=true]");
        return new OpenPage(h, playwright, browser, url, page);
    }

    private sealed record OpenPage(OperatorHarness Harness, IPlaywright Playwright, IBrowser Browser, Uri Url, IPage Page) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            Playwright.Dispose();
            await Harness.DisposeAsync();
        }
    }

    /// <summary>A screenshot kept as a test artifact (artifacts/, git-ignored; docs/images holds copies).</summary>
    private static async Task SaveAsync(IPage page, string name, bool fullPage)
    {
        Directory.CreateDirectory(Path.Combine(Packaging.Tools.Root, "artifacts"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Packaging.Tools.Root, "artifacts", name), FullPage = fullPage });
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
        await using var open = await OpenAsync(1280, 900, "");
        var page = open.Page;

        var rows = page.Locator("li.release");
        Assert.Equal(3, await rows.CountAsync());
        // Newest first by default.
        Assert.Equal(
            ["payments/ledger-v7", "shop/checkout-v2", "shop/checkout-v1"],
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

        await SaveAsync(page, "overview-1280x900.png", fullPage: true);
    }

    [Fact]
    public async Task The_overview_sorts_riskiest_first_keeps_its_filter_in_the_url_and_draws_each_release_on_a_time_axis()
    {
        await using var open = await OpenAsync(1400, 900, "");
        var (url, page) = (open.Url, open.Page);
        Task<string[]> Order() => page.Locator("li.release").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.name)");

        // Riskiest first, on request; the choice goes into the URL.
        await page.SelectOptionAsync("#sort", "risk");
        await page.WaitForFunctionAsync("() => document.getElementById('list-title').textContent.includes('riskiest')");
        Assert.Contains("sort=risk", page.Url);
        Assert.Equal("shop/checkout-v2", (await Order())[0]);
        // Counts per verdict.
        Assert.Equal("1", await page.Locator($"#counts [data-verdict='{StatusWire.Word(Verdict.Risky)}']").GetAttributeAsync("data-count"));
        Assert.Equal(3, await page.Locator("#counts .badge").CountAsync());

        // A shared link reloads to the same view: the target filter and the sort.
        await page.GotoAsync(new Uri(url, "?target=checkout&sort=risk").ToString());
        await page.WaitForSelectorAsync("body[data-loaded=true]");
        Assert.Equal("checkout", await page.InputValueAsync("#target"));
        Assert.Equal("risk", await page.InputValueAsync("#sort"));
        Assert.Equal(["shop/checkout-v2", "shop/checkout-v1"], await Order());
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("body[data-loaded=true]");
        Assert.Equal(["shop/checkout-v2", "shop/checkout-v1"], await Order());
        Assert.Contains("target=checkout", page.Url);

        // Each release has its own colour and a legend entry; the time axis is the library's time scale.
        var legend = await page.EvaluateAsync<string[]>("() => window.releaseRadarChart.legend.legendItems.map(i => i.text)");
        Assert.Equal(["shop/checkout-v2 (v2)", "shop/checkout-v1 (v2)", "Deploys"], legend);
        var colours = await page.EvaluateAsync<string[]>(
            "() => window.releaseRadarChart.data.datasets.filter(d => d.kind === 'errors').map(d => d.borderColor)"
        );
        Assert.Equal(colours.Length, colours.Distinct().Count());
        Assert.Equal("time", await page.EvaluateAsync<string>("() => window.releaseRadarChart.scales.x.type"));
        var ticks = await page.EvaluateAsync<double[]>("() => window.releaseRadarChart.scales.x.ticks.map(t => t.value)");
        var labels = await page.EvaluateAsync<string[]>("() => window.releaseRadarChart.scales.x.ticks.map(t => t.label)");
        Assert.True(ticks.Length >= 3, $"{ticks.Length} ticks");
        Assert.True(ticks.Zip(ticks.Skip(1)).All(p => p.Second > p.First), string.Join(", ", ticks));
        Assert.Equal(labels.Length, labels.Distinct().Count()); // no label repeats
        // Deploy marks sit at the exact deploy time.
        var deploys = await page.EvaluateAsync<double[]>(
            "() => window.releaseRadarChart.data.datasets.find(d => d.kind === 'deploys').data.map(p => p.x)"
        );
        Assert.Contains((double)BackfilledPrometheus.Deploy.AddMinutes(5).ToUnixTimeMilliseconds(), deploys);

        // Each card links to its release view.
        Assert.Equal("releases/shop/checkout-v2", await page.Locator("li.release[data-name='shop/checkout-v2'] a.open").GetAttributeAsync("href"));
    }

    [Fact]
    public async Task The_suspects_section_ranks_the_releases_for_a_symptom_as_the_api_does_and_keeps_the_symptom_in_the_url()
    {
        var at = BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ");
        await using var open = await OpenAsync(1400, 900, "");
        var page = open.Page;
        async Task Ask(string scenario)
        {
            await page.FillAsync("#symptom-service", "checkout");
            await page.SelectOptionAsync("#symptom-metric", "5xx");
            await page.FillAsync("#symptom-at", at);
            await page.FillAsync("#symptom-selector", $"scenario={scenario}");
            await page.ClickAsync("#suspects-form button[type=submit]");
            await page.WaitForSelectorAsync("#suspects-section[data-loaded=true]");
        }

        await Ask("errors");
        // The API's answer, fetched by the browser itself, is what the section lists, in its order.
        var query = $"suspects?service=checkout&metric=5xx&since=2h&at={at}&selector=scenario%3Derrors";
        var api = JsonNode.Parse(await page.EvaluateAsync<string>($"async () => JSON.stringify(await (await fetch('{query}')).json())"))!;
        Assert.True(api["suspects"] is not null, api.ToJsonString());
        var expected = api["suspects"]!.AsArray().Select(x => x!["release"]!.GetValue<string>()).ToArray();
        Assert.NotEmpty(expected);
        Assert.Null(api["noneOfThese"]);
        Assert.Equal(expected, await page.Locator("#suspects li.suspect").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.release)"));
        var first = page.Locator("#suspects li.suspect").First;
        Assert.Equal(api["suspects"]![0]!["sentence"]!.GetValue<string>(), await first.Locator(".sentence").TextContentAsync());
        Assert.StartsWith("1. score ", await first.Locator(".score").TextContentAsync());
        var (ns, name) = (expected[0].Split('/')[0], expected[0].Split('/')[1]);
        Assert.Equal($"releases/{ns}/{name}", await first.Locator("a").GetAttributeAsync("href"));
        // The symptom line dates the change where the API does: checkout's 5xx rose at the deploy, 0.2 % to about 3 %.
        var symptom = await page.TextContentAsync("#symptom");
        Assert.Contains(BackfilledPrometheus.Deploy.ToString("yyyy-MM-dd HH:mm:ss") + " UTC", symptom);
        Assert.Matches(@"\d\.\d\d% → \d\.\d\d%", symptom);
        Assert.DoesNotContain("None of these", await page.TextContentAsync("#suspects"));

        // The symptom is in the URL: a reload asks again and lists the same answer.
        Assert.Contains("suspects=checkout", page.Url);
        Assert.Contains("symptom-selector=scenario%3Derrors", page.Url);
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#suspects-section[data-loaded=true]");
        Assert.Equal(expected, await page.Locator("#suspects li.suspect").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.release)"));
        Assert.Equal("scenario=errors", await page.InputValueAsync("#symptom-selector"));
        // Each suspect's own verdict is shown in its colour, on a shared link too.
        Assert.All(
            await page.Locator("#suspects li.suspect .badge").EvaluateAllAsync<string[]>("els => els.map(e => e.className)"),
            c => Assert.DoesNotContain("verdict-pending", c)
        );
        Directory.CreateDirectory(Path.Combine(Packaging.Tools.Root, "artifacts"));
        await page.Locator("#suspects-section")
            .ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(Packaging.Tools.Root, "artifacts", "suspects-1400x900.png") });

        // A healthy service's symptom: none of these, with its reason, first.
        await Ask("good");
        var none = page.Locator("#suspects li.none");
        Assert.Equal(1, await none.CountAsync());
        Assert.Contains("None of these: The 5xx rate of checkout shows no change in the look-back", await none.TextContentAsync());

        // A bad request is said, not swallowed.
        await page.FillAsync("#symptom-at", "yesterday");
        await page.ClickAsync("#suspects-form button[type=submit]");
        await page.WaitForSelectorAsync("#suspects-section[data-loaded=true]");
        Assert.Contains("could not find suspects: at: 'yesterday' is not an RFC 3339 time", await page.TextContentAsync("#symptom"));
    }

    [Theory]
    [InlineData(1400, 900)]
    [InlineData(390, 844)]
    public async Task The_release_view_draws_each_metric_against_its_baseline_band_with_the_apis_values(int width, int height)
    {
        await using var open = await OpenAsync(width, height, "releases/shop/checkout-v2");
        var (url, page) = (open.Url, open.Page);
        using var http = new HttpClient { BaseAddress = url };
        var json = await http.GetStringAsync("view/shop/checkout-v2", TestContext.Current.CancellationToken);
        var errors = (
            await NJsonSchema.JsonSchema.FromFileAsync(
                Path.Combine(Packaging.Tools.Root, "docs", "schemas", "release-view.schema.json"),
                TestContext.Current.CancellationToken
            )
        ).Validate(json);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
        var api = JsonNode.Parse(json)!;
        Assert.Null(api["stepsUnavailable"]);

        Assert.Equal(
            ["errorRate", "serverErrorRate", "latencyP95", "latencyP99", "throughput"],
            await page.Locator("section.metric").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.metric)")
        );
        foreach (var metric in api["metrics"]!.AsArray())
        {
            var name = metric!["name"]!.GetValue<string>();
            var scale = metric["unit"]!.GetValue<string>() switch
            {
                "ratio" => 100.0,
                "seconds" => 1000.0,
                _ => 1.0,
            };
            // The release line and the baseline band are separate datasets, and hold the API's values.
            var release = await page.EvaluateAsync<double[]>(
                $"() => window.releaseRadarCharts['{name}'].data.datasets.find(d => d.kind === 'release').data.map(p => p.y)"
            );
            var apiRelease = metric["release"]!.AsArray().Select(p => p!["value"]!.GetValue<double>() * scale).ToArray();
            Assert.True(apiRelease.Length >= 20, $"{name}: {apiRelease.Length} steps");
            Assert.Equal(apiRelease, release);
            var low = await page.EvaluateAsync<double>(
                $"() => window.releaseRadarCharts['{name}'].data.datasets.find(d => d.kind === 'baselineLow').data[0].y"
            );
            var high = await page.EvaluateAsync<double>(
                $"() => window.releaseRadarCharts['{name}'].data.datasets.find(d => d.kind === 'baselineHigh').data[0].y"
            );
            Assert.Equal(metric["baseline"]!["low"]!.GetValue<double>() * scale, low, 9);
            Assert.Equal(metric["baseline"]!["high"]!.GetValue<double>() * scale, high, 9);
            Assert.True(high >= low);
        }
        // v2's 5xx rise away from its baseline band: most of its steps sit above the band's top.
        var fiveXx = api["metrics"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "serverErrorRate")!;
        var top = fiveXx["baseline"]!["high"]!.GetValue<double>();
        var above = fiveXx["release"]!.AsArray().Count(p => p!["value"]!.GetValue<double>() > top);
        Assert.True(above > fiveXx["release"]!.AsArray().Count / 2, $"{above} steps above the band");
        // The analyses share the time axis, coloured by verdict; the deploy is marked.
        Assert.Contains(api["marks"]!.AsArray(), m => m!["kind"]!.GetValue<string>() == "deploy");
        Assert.Contains(StatusWire.Word(Verdict.Risky), await page.Locator("#verdict").InnerTextAsync());
        Assert.Contains("5xx rate up", await page.Locator("#reasons").InnerTextAsync());
        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the release view scrolls sideways"
        );

        await SaveAsync(page, $"release-view-{width}x{height}.png", fullPage: true);
    }

    [Fact]
    public async Task The_page_is_usable_from_the_keyboard_and_on_a_phone()
    {
        await using var open = await OpenAsync(390, 844, "");
        var (url, page) = (open.Url, open.Page);
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

        // On a phone the first screen shows a release, not only the header and the chart.
        await page.GotoAsync(url.ToString());
        await page.WaitForSelectorAsync("body[data-loaded=true]");
        var top = await page.Locator("li.release").First.EvaluateAsync<double>("e => e.getBoundingClientRect().top");
        Assert.True(top < 844, $"the first release starts {top} px down a 844 px screen");
        await SaveAsync(page, "overview-390x844.png", fullPage: false);
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
        foreach (var path in new[] { "/health", "/releases", "/analysis/{namespace}/{name}", "/view/{namespace}/{name}", "/timeline" })
            Assert.True(openapi.ContainsKey(path), path);

        // Served from the watch cache: answering did not read Releases from the API server.
        var after = h.Api.RequestLog.Count(l => l.StartsWith("GET /apis/releaseradar.io/v1alpha1/namespaces", StringComparison.Ordinal));
        Assert.Equal(before, after);
        // Read-only: nothing but GET is mapped.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("releases", new StringContent("{}"), ct)).StatusCode);
    }
}
