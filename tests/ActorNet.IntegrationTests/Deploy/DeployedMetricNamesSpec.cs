using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Deploy;

/// <summary>
/// The alert rules and the dashboard under deploy/ name only series that a running actornet exports: a renamed
/// instrument would otherwise leave an alert that never fires and a panel that stays empty, silently.
/// </summary>
public sealed partial class DeployedMetricNamesSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_metric_named_in_the_alert_rules_and_the_dashboard_is_on_a_live_scrape()
    {
        var rules = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "prometheus", "actornet-alerts.yml"));
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "grafana", "actornet-dashboard.json")));
        var dashboardExpressions = Expressions(dashboard.RootElement).ToArray();
        Assert.True(dashboardExpressions.Length >= 20, $"only {dashboardExpressions.Length} panel queries found in the dashboard");
        var used = MetricNames().Matches(rules).Concat(dashboardExpressions.SelectMany(e => MetricNames().Matches(e)))
            .Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        // The sample is checked as well as the extraction: the rules use these.
        Assert.Superset(new HashSet<string> { "actornet_sink_state", "actornet_source_state", "actornet_buffered_bytes_limit", "actornet_frames_quarantined_total" }, used);

        var scrape = await ScrapeRunningActorNetAsync();

        var exported = scrape.Types.SelectMany(family => family.Value == "histogram"
                ? new[] { family.Key, $"{family.Key}_bucket", $"{family.Key}_sum", $"{family.Key}_count" }
                : new[] { family.Key })
            .ToHashSet(StringComparer.Ordinal);
        var missing = used.Where(name => !exported.Contains(name)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(missing.Length == 0, $"named under deploy/ but not exported: {string.Join(", ", missing)}\n--- scrape ---\n{scrape.Text}");
    }

    private static async Task<PrometheusScrape> ScrapeRunningActorNetAsync()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("deploy-names");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: "http { enabled = on, port = 0 }"));
        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync("HTTP endpoints listening on http://127.0.0.1:", Bound);
        using var http = new HttpClient { BaseAddress = new Uri(ListeningUrl().Match(process.Stdout).Groups[1].Value), Timeout = Bound };
        using var peer = await Loopback.ConnectAsync(port);
        await peer.SendAsync("hello\n"u8.ToArray(), SocketFlags.None);
        await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1, Bound, () => process.Output);
        var scrape = PrometheusScrape.Parse(await http.GetStringAsync("/metrics"));
        await process.TerminateAsync();
        Assert.Equal(0, await process.WaitForExitAsync(Bound));
        return scrape;
    }

    // Every "expr" of every panel's targets (panels nested in rows included) and every template variable's "definition".
    private static IEnumerable<string> Expressions(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "expr" or "definition" && property.Value.ValueKind == JsonValueKind.String) yield return property.Value.GetString()!;
                    foreach (var expression in Expressions(property.Value)) yield return expression;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                foreach (var expression in Expressions(item)) yield return expression;
                break;
        }
    }

    [GeneratedRegex(@"\b(?:actornet|dotnet|process)_[a-z0-9_]+\b")]
    private static partial Regex MetricNames();

    [GeneratedRegex(@"HTTP endpoints listening on (http://\S+/)")]
    private static partial Regex ListeningUrl();
}
