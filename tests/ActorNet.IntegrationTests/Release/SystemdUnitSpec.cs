using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace ActorNet.IntegrationTests.Release;

/// <summary>deploy/systemd/actornet.service, the unit the release archive ships.</summary>
public sealed partial class SystemdUnitSpec
{
    private const double Threshold = 3.0;

    private static readonly string Unit = Path.Combine(ReleaseArchive.Repository, "deploy", "systemd", "actornet.service");

    [SystemdAnalyzeFact]
    public async Task Systemd_analyze_security_rates_the_unit_3_0_or_lower()
    {
        var info = new ProcessStartInfo(SystemdAnalyzeFactAttribute.Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // No colours, no pager, no emoji-dependent width: plain lines to parse.
            Environment = { ["SYSTEMD_COLORS"] = "0", ["SYSTEMD_PAGER"] = "", ["TERM"] = "dumb" },
        };
        foreach (var argument in new[] { "security", "--offline=yes", "--no-pager", Unit }) info.ArgumentList.Add(argument);
        using var analyze = Process.Start(info)!;
        var stdout = analyze.StandardOutput.ReadToEndAsync();
        var stderr = analyze.StandardError.ReadToEndAsync();
        await analyze.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = $"{await stdout}{Environment.NewLine}{await stderr}";

        var overall = OverallExposure().Match(output);
        Assert.True(overall.Success, $"no \"Overall exposure level\" line in the output of systemd-analyze (exit {analyze.ExitCode}):{Environment.NewLine}{output}");
        var exposure = double.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure <= Threshold, $"exposure {exposure} is above {Threshold}:{Environment.NewLine}{output}");
    }

    [Fact]
    public void The_unit_waits_for_ready_keeps_its_state_in_var_lib_and_reads_secrets_from_an_environment_file()
    {
        var settings = File.ReadAllLines(Unit).Select(line => line.Trim())
            .Where(line => line.Length > 0 && line[0] is not ('#' or ';' or '[') && line.Contains('='))
            .Select(line => (Key: line[..line.IndexOf('=')], Value: line[(line.IndexOf('=') + 1)..]))
            .ToLookup(setting => setting.Key, setting => setting.Value);

        Assert.Equal(["notify"], settings["Type"]);
        Assert.Equal(["actornet"], settings["StateDirectory"]);
        Assert.Equal(["/var/lib/actornet"], settings["WorkingDirectory"]);
        Assert.Equal(["-/etc/actornet/actornet.env"], settings["EnvironmentFile"]);
        Assert.Equal(["/opt/actornet/actornet run --config /etc/actornet/actornet.conf"], settings["ExecStart"]);
        // The .NET JIT needs memory that is written and then executed: the runtime cannot start with this set.
        Assert.Empty(settings["MemoryDenyWriteExecute"]);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+(?:\.\d+)?)")]
    private static partial Regex OverallExposure();
}
