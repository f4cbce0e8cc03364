using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Logging;

/// <summary>
/// What the logging specs run: the real executable with a source <c>s</c> (json parser, into a blackhole sink) and,
/// with <c>brokenSink</c>, a second source <c>t</c> whose only sink is a sqlite file under a regular file, so that
/// the sink logs an error at start; and a peer that sends one good and one bad line.
/// </summary>
internal static class LoggedRun
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>The configuration; <paramref name="log"/> goes inside <c>actornet.log { }</c>.</summary>
    /// <param name="deadFeed">Adds a tcp-connect source <c>f</c> whose server is not there: it logs its attempts and back-off.</param>
    public static string Config(TempDirectory directory, int port, string log, bool brokenSink = false, bool http = false, bool deadFeed = false)
    {
        var feed = deadFeed
            ? $$"""
                sources.f {
                  type = tcp-connect
                  port = {{Loopback.FreePort()}}
                  framing { type = delimiter }
                  sinks = [ b ]
                  quarantine = b
                }
              """
            : "";
        var blocker = directory.File("not-a-directory");
        File.WriteAllText(blocker, "a file where the sink wants a directory\n");
        var broken = brokenSink
            ? $$"""
                sources.t {
                  port = {{Loopback.FreePort()}}
                  framing { type = delimiter }
                  sinks = [ broken ]
                  quarantine = b
                }
                sinks.broken { type = sqlite, path = "{{blocker}}/frames.db" }
              """
            : "";
        return $$"""
            actornet {
              shutdown-timeout = 5s
              log { {{log}} }
              http { enabled = {{(http ? "on" : "off")}}, port = 0 }
              sources.s {
                port = {{port}}
                framing { type = delimiter }
                parser = json
                sinks = [ b ]
                quarantine = b
              }
              sinks.b { type = blackhole }
            {{broken}}
            {{feed}}
            }
            """;
    }

    /// <summary>Connects, sends a JSON line and a line that is not JSON (quarantined), closes; returns the peer's name.</summary>
    public static async Task<string> SendGoodAndBadLineAsync(int port)
    {
        using var socket = await Loopback.ConnectAsync(port);
        var name = socket.PeerName();
        await socket.SendAsync(Encoding.ASCII.GetBytes("{\"reading\":1}\nnot json\n"), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        await socket.AwaitClosedByServerAsync(Bound);
        return name;
    }

    /// <summary>Sends SIGTERM and waits for the drain and exit, so that every line logged is in the output.</summary>
    public static async Task StopAsync(ActorNetProcess process)
    {
        await process.TerminateAsync();
        var exitCode = await process.WaitForExitAsync(Bound);
        if (exitCode != 0) throw new Xunit.Sdk.XunitException($"actornet exited with {exitCode}{Environment.NewLine}{process.Output}");
    }
}
