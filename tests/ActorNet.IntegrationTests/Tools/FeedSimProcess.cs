using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><c>actornet feed-sim --port 0 ...</c> in a child process, and the port it reports once listening.</summary>
public sealed partial class FeedSimProcess : IDisposable
{
    private FeedSimProcess(ActorNetProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public ActorNetProcess Process { get; }

    public int Port { get; }

    public static async Task<FeedSimProcess> StartAsync(TempDirectory directory, params string[] arguments)
    {
        var process = ActorNetProcess.Start(directory.Path, ["feed-sim", "--port", "0", .. arguments]);
        try
        {
            // feed-sim reports on standard error; standard output is for what clients send.
            await Eventually.TrueAsync(() => Listening().IsMatch(process.Stderr), TimeSpan.FromSeconds(20),
                () => $"feed-sim listening{Environment.NewLine}{process.Output}");
            return new FeedSimProcess(process, int.Parse(Listening().Match(process.Stderr).Groups[1].Value));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public void Dispose() => Process.Dispose();

    [GeneratedRegex(@"feed-sim listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
