using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// A vendor's feed server for cluster specs: one account, so it counts concurrent sessions (a real one would ban the
/// login at two). Each session first reads the client's greeting (<c>HELLO &lt;node&gt;</c>, the node's on-connect), then
/// streams lines <c>f-N</c>, N numbered across sessions. Like many real feeds it has a resend window: a new session
/// starts <see cref="ResendWindow"/> frames before the highest one sent so far, which covers what the previous
/// session's client read but had not stored when it died. A frame counts as sent once a write of it completed.
/// </summary>
public sealed class NumberedFeedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<FeedSession> _sessions = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _interval;
    private long _highestSent;
    private int _active;
    private int _paused;
    // Sends under way: a send counts itself before it looks at _paused, so that PauseAsync can wait for the last one.
    private int _sending;

    public NumberedFeedServer(int resendWindow, TimeSpan interval)
    {
        ResendWindow = resendWindow;
        _interval = interval;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many frames before the highest one sent a new session starts.</summary>
    public int ResendWindow { get; }

    /// <summary>The most sessions ever open at once.</summary>
    public int MaxConcurrent { get; private set; }

    /// <summary>Time since the server started, the clock of <see cref="FeedSession.OpenedAt"/> and <see cref="FeedSession.ClosedAt"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public long HighestSent => Interlocked.Read(ref _highestSent);

    public IReadOnlyList<FeedSession> Sessions
    {
        get
        {
            lock (_gate) return _sessions.ToArray();
        }
    }

    /// <summary>The open session, if exactly one is open.</summary>
    public FeedSession? Current
    {
        get
        {
            lock (_gate) return _sessions.Where(s => s.ClosedAt is null).ToArray() is [var only] ? only : null;
        }
    }

    /// <summary>
    /// Stops sending new frames (sessions stay open), so that what was sent can be checked as stored. Completes once no
    /// send is under way, so that <see cref="HighestSent"/> read afterwards counts every frame that went out.
    /// </summary>
    public Task PauseAsync()
    {
        Interlocked.Exchange(ref _paused, 1);
        return Eventually.TrueAsync(() => Volatile.Read(ref _sending) == 0, TimeSpan.FromSeconds(30), () => "the feed's sends to finish");
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var session = new FeedSession { OpenedAt = Now };
        lock (_gate)
        {
            _sessions.Add(session);
            MaxConcurrent = Math.Max(MaxConcurrent, ++_active);
            session.ConcurrentAtOpen = _active;
        }
        try
        {
            session.Node = await ReadGreetingAsync(socket);
            long next;
            lock (_gate)
            {
                session.HighestBefore = _highestSent;
                next = session.FirstFrame = Math.Max(1, _highestSent - ResendWindow + 1);
            }
            while (!_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _sending);
                if (Volatile.Read(ref _paused) == 1)
                {
                    Interlocked.Decrement(ref _sending);
                    await Task.Delay(_interval, _stop.Token);
                    continue;
                }
                try
                {
                    await socket.SendAsync(Encoding.ASCII.GetBytes($"f-{next}\n"), SocketFlags.None, _stop.Token);
                    session.LastFrame = next;
                    lock (_gate) _highestSent = Math.Max(_highestSent, next);
                    next++;
                }
                finally
                {
                    Interlocked.Decrement(ref _sending);
                }
                await Task.Delay(_interval, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client went away (killed, drained, downed) or the server stops: the session ends here.
        }
        finally
        {
            socket.Dispose();
            lock (_gate)
            {
                _active--;
                session.ClosedAt = Now;
            }
        }
    }

    /// <summary>The node named by the client's on-connect line, or "?" if none came within 10 s (the session still counts).</summary>
    private async Task<string> ReadGreetingAsync(Socket socket)
    {
        var buffer = new byte[64];
        var read = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (read < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, read) < 0)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
                if (n == 0) break;
                read += n;
            }
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return "?";
        }
        var line = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0];
        return line.StartsWith("HELLO ", StringComparison.Ordinal) ? line[6..] : "?";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }
}

/// <summary>One session of <see cref="NumberedFeedServer"/>.</summary>
public sealed class FeedSession
{
    public string Node { get; set; } = "?";
    public TimeSpan OpenedAt { get; init; }
    public TimeSpan? ClosedAt { get; set; }

    /// <summary>Sessions open, this one included, when it opened.</summary>
    public int ConcurrentAtOpen { get; set; }

    /// <summary>The first frame this session sent (a resend of the window before the highest sent so far).</summary>
    public long FirstFrame { get; set; }

    /// <summary>The highest frame any session had sent when this one started (its resend window ends there).</summary>
    public long HighestBefore { get; set; }

    /// <summary>The last frame whose write completed; 0 before any.</summary>
    public long LastFrame { get; set; }

    public override string ToString() =>
        $"{Node} open {OpenedAt.TotalSeconds:0.000}s-{(ClosedAt is { } c ? $"{c.TotalSeconds:0.000}s" : "now")} frames {FirstFrame}..{LastFrame} (concurrent at open {ConcurrentAtOpen})";
}
