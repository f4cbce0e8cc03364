using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorNet.IntegrationTests.Support;

/// <summary>A systemd unit file as the deploy specs read it: its settings, and <c>systemd-analyze security</c>'s rating.</summary>
public static partial class SystemdUnit
{
    /// <summary>Every <c>Key=Value</c> line of the unit (comments and section headers left out), by key.</summary>
    public static ILookup<string, string> Settings(string path) => File.ReadAllLines(path).Select(line => line.Trim())
        .Where(line => line.Length > 0 && line[0] is not ('#' or ';' or '[') && line.Contains('='))
        .Select(line => (Key: line[..line.IndexOf('=')], Value: line[(line.IndexOf('=') + 1)..]))
        .ToLookup(setting => setting.Key, setting => setting.Value);

    /// <summary>
    /// Runs <c>systemd-analyze security --offline=yes</c> on the unit; returns its overall exposure (null when the output
    /// has no such line), its exit code and its whole output for failure messages.
    /// </summary>
    public static async Task<(double? Exposure, int ExitCode, string Output)> AnalyzeSecurityAsync(string analyzer, string unit)
    {
        var info = new ProcessStartInfo(analyzer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // No colours, no pager, no emoji-dependent width: plain lines to parse.
            Environment = { ["SYSTEMD_COLORS"] = "0", ["SYSTEMD_PAGER"] = "", ["TERM"] = "dumb" },
        };
        foreach (var argument in new[] { "security", "--offline=yes", "--no-pager", unit }) info.ArgumentList.Add(argument);
        using var analyze = Process.Start(info)!;
        var stdout = analyze.StandardOutput.ReadToEndAsync();
        var stderr = analyze.StandardError.ReadToEndAsync();
        await analyze.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var output = $"{await stdout}{Environment.NewLine}{await stderr}";
        var overall = OverallExposure().Match(output);
        double? exposure = overall.Success ? double.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        return (exposure, analyze.ExitCode, output);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+(?:\.\d+)?)")]
    private static partial Regex OverallExposure();
}
