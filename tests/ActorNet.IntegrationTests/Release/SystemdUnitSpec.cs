using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Release;

/// <summary>deploy/systemd/actornet.service, the unit the release archive ships.</summary>
public sealed class SystemdUnitSpec
{
    private const double Threshold = 3.0;

    private static readonly string Unit = Path.Combine(ReleaseArchive.Repository, "deploy", "systemd", "actornet.service");

    [SystemdAnalyzeFact]
    public async Task Systemd_analyze_security_rates_the_unit_3_0_or_lower()
    {
        var (exposure, exitCode, output) = await SystemdUnit.AnalyzeSecurityAsync(SystemdAnalyzeFactAttribute.Path!, Unit);
        Assert.True(exposure is not null, $"no \"Overall exposure level\" line in the output of systemd-analyze (exit {exitCode}):{Environment.NewLine}{output}");
        Assert.True(exposure <= Threshold, $"exposure {exposure} is above {Threshold}:{Environment.NewLine}{output}");
    }

    [Fact]
    public void The_unit_waits_for_ready_keeps_its_state_in_var_lib_and_reads_secrets_from_an_environment_file()
    {
        var settings = SystemdUnit.Settings(Unit);

        Assert.Equal(["notify"], settings["Type"]);
        Assert.Equal(["actornet"], settings["StateDirectory"]);
        Assert.Equal(["/var/lib/actornet"], settings["WorkingDirectory"]);
        Assert.Equal(["-/etc/actornet/actornet.env"], settings["EnvironmentFile"]);
        Assert.Equal(["/opt/actornet/actornet run --config /etc/actornet/actornet.conf"], settings["ExecStart"]);
        // The .NET JIT needs memory that is written and then executed: the runtime cannot start with this set.
        Assert.Empty(settings["MemoryDenyWriteExecute"]);
    }
}
