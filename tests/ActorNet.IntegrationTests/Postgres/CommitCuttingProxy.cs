using System.Net;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// A loopback relay in front of PostgreSQL that can lose a connection at the moment that matters to a sink: at
/// the client's next <c>COMMIT</c> (the simple-query message Npgsql sends for a transaction's commit): the client
/// loses its connection without a reply, and the server has committed, rolled back, or not yet heard (see
/// <see cref="Cut"/>).
/// </summary>
public sealed class CommitCuttingProxy : IDisposable
{
    // 'Q', a 4-byte length, "COMMIT" and its terminating NUL; only the text is matched.
    private static readonly byte[] Commit = "COMMIT\0"u8.ToArray();

    private readonly int _target;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private int _armed;
    private int _cuts;

    public CommitCuttingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _ = AcceptAsync();
    }

    public enum Cut
    {
        None,

        /// <summary>The server gets the COMMIT; the client never gets the reply.</summary>
        AfterCommit,

        /// <summary>Neither the COMMIT nor anything after it reaches the server, which sees the connection end and rolls back.</summary>
        BeforeCommit,

        /// <summary>
        /// The COMMIT is lost and the server is not told: its session stays idle in the transaction (as behind a
        /// network that failed silently) until something ends it.
        /// </summary>
        BeforeCommitKeepingTheSession,
    }

    public int Port { get; }

    /// <summary>How many connections were cut.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Cuts the connection that sends the next COMMIT, once.</summary>
    public void CutNextCommit(Cut how) => Volatile.Write(ref _armed, (int)how);

    /// <summary>The connection string of <paramref name="server"/> with this relay in between.</summary>
    public string ConnectionString(PostgresServer server) =>
        server.ConnectionString.Replace($"Port={server.Port}", $"Port={Port}", StringComparison.Ordinal);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        using (var server = await Loopback.ConnectAsync(_target))
            await RelayAsync(client, server);
    }

    private async Task RelayAsync(Socket client, Socket server)
    {
        var cut = new TaskCompletionSource();
        var down = PumpDownAsync(server, client, cut.Task);
        try
        {
            var buffer = new byte[64 * 1024];
            var tail = Array.Empty<byte>();
            int read;
            while ((read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                var how = (Cut)Volatile.Read(ref _armed);
                if (how != Cut.None && ContainsCommit(tail, chunk.Span) && Interlocked.CompareExchange(ref _armed, 0, (int)how) == (int)how)
                {
                    // Stop relaying replies before the server can send the one to COMMIT.
                    cut.SetResult();
                    Interlocked.Increment(ref _cuts);
                    if (how == Cut.AfterCommit) await SendAllAsync(server, chunk);
                    // The server reads what it was sent, then end of stream; it commits or rolls back accordingly.
                    if (how != Cut.BeforeCommitKeepingTheSession) server.Shutdown(SocketShutdown.Send);
                    client.LingerState = new LingerOption(true, 0);
                    client.Close();
                    break;
                }
                await SendAllAsync(server, chunk);
                tail = chunk.Span[Math.Max(0, read - (Commit.Length - 1))..].ToArray();
            }
            if (!cut.Task.IsCompleted) server.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // A side went away: the relay ends with it.
        }
        await down;
    }

    private async Task PumpDownAsync(Socket server, Socket client, Task cut)
    {
        try
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await server.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                if (!cut.IsCompleted) await SendAllAsync(client, buffer.AsMemory(0, read));
            if (!cut.IsCompleted) client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // As above.
        }
    }

    private static bool ContainsCommit(byte[] tail, ReadOnlySpan<byte> chunk)
    {
        if (chunk.IndexOf(Commit) >= 0) return true;
        // The message may straddle two reads.
        var seam = new byte[tail.Length + Math.Min(chunk.Length, Commit.Length - 1)];
        tail.CopyTo(seam, 0);
        chunk[..(seam.Length - tail.Length)].CopyTo(seam.AsSpan(tail.Length));
        return seam.AsSpan().IndexOf(Commit) >= 0;
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty) data = data[await socket.SendAsync(data, SocketFlags.None)..];
    }
}
