using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// systemd's Type=notify as the unit uses it: the service manager binds a unix datagram socket and names it in
/// NOTIFY_SOCKET; actornet sends READY=1 once it serves and STOPPING=1 when it starts to drain.
/// </summary>
public sealed class SystemdNotifySpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [LinuxFact]
    public async Task Ready_arrives_only_once_the_source_and_the_http_port_accept_connections_and_stopping_at_sigterm()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("notify");
        var port = Loopback.FreePort();
        var httpPort = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: $"http {{ enabled = on, port = {httpPort} }}"));
        var socketPath = directory.File("notify.sock");
        using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notifications.Bind(new UnixDomainSocketEndPoint(socketPath));

        using var process = ActorNetProcess.Start(directory.Path, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socketPath },
            "run", "--config", config);

        Assert.Equal("READY=1", await ReceiveAsync(notifications, process));
        // Frozen the moment READY=1 is read, actornet can bind nothing more; the kernel still completes connections to
        // sockets that already listen. So a connection now proves each port was listening when READY=1 was sent.
        await SignalAsync(process, "STOP");
        try
        {
            using var peer = await Loopback.ConnectAsync(port);
            using var http = await Loopback.ConnectAsync(httpPort);
        }
        finally
        {
            await SignalAsync(process, "CONT");
        }

        await process.TerminateAsync();
        Assert.Equal("STOPPING=1", await ReceiveAsync(notifications, process));
        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
    }

    private static async Task<string> ReceiveAsync(Socket notifications, ActorNetProcess process)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            var length = await notifications.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, length).Trim();
        }
        catch (OperationCanceledException)
        {
            throw new XunitException($"no notification within {Bound.TotalSeconds} s{Environment.NewLine}{process.Output}");
        }
    }

    private static async Task SignalAsync(ActorNetProcess process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.Id.ToString()]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0) throw new XunitException($"kill -{signal} {process.Id} exited with {kill.ExitCode}");
    }
}
