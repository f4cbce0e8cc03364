using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// Sends a plan's connections over loopback, several at a time, each in its planned writes, then closes it, and
/// sums what the sinks must hold. Connections are bound to rotating loopback addresses (127.0.0.1-16): a run of a
/// million frames opens tens of thousands of short connections, more than one address has ephemeral ports for while
/// closed ones wait in TIME_WAIT.
/// </summary>
public static class FuzzSender
{
    private const int SourceAddresses = 16;

    /// <param name="progress">Called with the frames sent so far, after each connection.</param>
    public static async Task<FuzzSendResult> SendAsync(
        FuzzShape shape, IPEndPoint target, IEnumerable<FuzzSession> sessions, int concurrency,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        using var plan = sessions.GetEnumerator();
        var gate = new object();
        var tally = new FuzzTally();
        long framesSent = 0, refused = 0, index = 0;

        async Task Worker()
        {
            while (true)
            {
                FuzzSession session;
                long number;
                lock (gate)
                {
                    if (!plan.MoveNext()) return;
                    session = plan.Current;
                    number = index++;
                }

                // The expectation is computed here, in parallel, not in the generator's lock.
                var expected = FuzzTally.Expected(shape, session);
                bool complete = await SendOneAsync(target, session, number, cancellationToken).ConfigureAwait(false);
                long sent;
                lock (gate)
                {
                    tally = tally.Plus(expected);
                    if (!complete) refused++;
                    sent = framesSent += session.Frames;
                }

                progress?.Invoke(sent);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, cancellationToken))).ConfigureAwait(false);
        return new FuzzSendResult(tally, refused);
    }

    /// <summary>False when ActorNet closed the connection before everything was written (it never should).</summary>
    public static async Task<bool> SendOneAsync(IPEndPoint target, FuzzSession session, long number, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (IPAddress.IsLoopback(target.Address))
        {
            socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)(1 + number % SourceAddresses)]), 0));
        }

        await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        int offset = 0;
        try
        {
            foreach (int size in session.Writes)
            {
                await socket.SendAsync(session.Bytes.AsMemory(offset, size), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                offset += size;
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Reset by ActorNet. After a fatal length field (the last bytes of such a connection) that is expected and
            // everything was written; before, the frames not written are missing from the sinks, which the check reports.
        }

        return offset == session.Bytes.Length;
    }
}

/// <param name="Expected">What the sinks must hold for the connections sent.</param>
/// <param name="CutShort">Connections ActorNet closed while they were still being written.</param>
public sealed record FuzzSendResult(FuzzTally Expected, long CutShort);
