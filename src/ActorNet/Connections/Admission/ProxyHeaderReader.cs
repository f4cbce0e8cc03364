using System.Net.Sockets;
using ActorNet.Configuration;

namespace ActorNet.Connections.Admission;

/// <summary>What reading a PROXY header from a socket gave: the header, or why there is none.</summary>
internal readonly record struct ProxyHeaderOutcome(ProxyHeader Header, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Reads the PROXY protocol header off a freshly accepted socket, and not one byte more: whatever follows (a TLS
/// ClientHello, the first frame) stays in the kernel for whoever reads the connection next. Runs on the thread pool,
/// never on an actor's thread.
/// </summary>
/// <remarks>
/// Each round peeks (MSG_PEEK) at what has arrived and parses it. A complete header is then consumed exactly. An
/// incomplete one is consumed as far as it goes, since every byte of an unfinished header is header; the next peek
/// then waits for more. So nothing past the header is ever taken, whatever way the proxy splits its writes.
/// </remarks>
internal static class ProxyHeaderReader
{
    /// <summary>Enough for any header without TLVs (a v2 header with UNIX addresses is 232 bytes); grown for TLVs.</summary>
    private const int InitialBuffer = ProxyHeaderParser.V2FixedLength + 216;

    /// <param name="timeout">The whole header must have arrived within it.</param>
    /// <param name="stop">Cancelled when the listener stops or drains; the outcome then says so.</param>
    public static async Task<ProxyHeaderOutcome> ReadAsync(Socket socket, ProxyProtocolMode mode, TimeSpan timeout, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(timeout);
        var buffer = new byte[InitialBuffer];
        var consumed = 0;
        try
        {
            while (true)
            {
                var peeked = await socket.ReceiveAsync(buffer.AsMemory(consumed), SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
                if (peeked == 0)
                    return Failed($"the connection closed after {consumed} bytes, before its PROXY header was complete");
                var status = ProxyHeaderParser.TryParse(buffer.AsSpan(0, consumed + peeked), mode, out var header, out var needed, out var error);
                switch (status)
                {
                    case ProxyHeaderStatus.Invalid:
                        return Failed(error!);
                    case ProxyHeaderStatus.Complete:
                        await ConsumeAsync(socket, buffer, consumed, header.Length, deadline.Token).ConfigureAwait(false);
                        return new ProxyHeaderOutcome(header, null);
                }
                await ConsumeAsync(socket, buffer, consumed, consumed + peeked, deadline.Token).ConfigureAwait(false);
                consumed += peeked;
                if (needed > buffer.Length) Array.Resize(ref buffer, needed);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Failed("the source stopped accepting before the PROXY header arrived");
        }
        catch (OperationCanceledException)
        {
            return Failed($"no complete PROXY header within proxy-header-timeout ({HoconUnits.Duration(timeout)}; {consumed} bytes came)");
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return Failed($"reading the PROXY header failed after {consumed} bytes: {e.Message}");
        }
    }

    /// <summary>Receives bytes <paramref name="from"/>..<paramref name="to"/> of the stream, which a peek has shown are there.</summary>
    private static async Task ConsumeAsync(Socket socket, byte[] buffer, int from, int to, CancellationToken token)
    {
        while (from < to)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(from, to - from), SocketFlags.None, token).ConfigureAwait(false);
            if (received == 0) throw new SocketException((int)SocketError.ConnectionReset);
            from += received;
        }
    }

    private static ProxyHeaderOutcome Failed(string error) => new(default, error);
}
