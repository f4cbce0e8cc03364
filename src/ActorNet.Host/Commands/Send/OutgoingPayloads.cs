using System.Globalization;
using System.Runtime.CompilerServices;

namespace ActorNet.Host.Commands.Send;

/// <summary>What <c>send</c> sends: the lines of a file or of standard input, or generated readings.</summary>
public static class OutgoingPayloads
{
    public static IAsyncEnumerable<string> FileLines(FileInfo file) => File.ReadLinesAsync(file.FullName);

    /// <summary>Lines as they are typed or piped in, until end of input (Ctrl-D, or the end of a pipe).</summary>
    public static async IAsyncEnumerable<string> StandardInputLines([EnumeratorCancellation] CancellationToken token = default)
    {
        // Console.In reads synchronously whatever method is called; on a thread of its own, a line that is never
        // typed cannot hold up the session, which gives up on the read when it stops.
        while (await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(token) is { } line)
        {
            yield return line;
        }
    }

    /// <summary><paramref name="count"/> readings <c>{"seq":1,"value":...}</c>, <c>{"seq":2,...}</c>, ...</summary>
    public static IAsyncEnumerable<string> Readings(int count) => Enumerable.Range(1, count).Select(Reading).ToAsyncEnumerable();

    /// <summary>A reading whose value follows a slow sine wave, so that a plot of the records looks like a sensor's.</summary>
    public static string Reading(int seq)
    {
        var value = Math.Round(20 + 5 * Math.Sin(seq / 10.0), 2);
        return string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{seq}},"value":{{value}}}""");
    }
}
