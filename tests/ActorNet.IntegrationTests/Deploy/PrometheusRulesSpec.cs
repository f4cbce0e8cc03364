using System.Diagnostics;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Deploy;

/// <summary>deploy/prometheus/actornet-alerts.yml as Prometheus reads it: valid, and firing as its unit tests say.</summary>
public sealed class PrometheusRulesSpec
{
    private static readonly string Directory = RepositoryRoot.File("deploy", "prometheus");

    [PromtoolFact]
    public async Task The_alert_rules_pass_promtool_check_rules()
    {
        var output = await PromtoolAsync("check", "rules", "actornet-alerts.yml");

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public async Task The_alert_rules_pass_their_promtool_unit_tests()
    {
        var output = await PromtoolAsync("test", "rules", "actornet-alerts.test.yml");

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    private static async Task<string> PromtoolAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(PromtoolFactAttribute.Path!, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var output = $"{await stdout}{await stderr}";
        if (process.ExitCode != 0)
            throw new XunitException($"promtool {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{output}");
        return output;
    }
}
