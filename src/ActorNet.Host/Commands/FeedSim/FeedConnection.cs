using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorNet.Framing;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>
/// One client of feed-sim: streams records at the rate, prints what the client sends, and misbehaves as asked.
/// <code>
///   Streaming --stall-after--> Stalled (silent, socket open)
///       |                        |
///       +--------+---------------+
///                |-- drop-every ------> Dropped (RST, after half a frame with --drop-mid-frame)
///                |-- client closes ---> Disconnected
///                '-- feed-sim stops --> Closed (FIN)
/// </code>
/// Reading and streaming run side by side on the socket; the ending is decided once both are stopped, so that the
/// last bytes written (half a frame, then the reset) never race a record.
/// </summary>
public sealed class FeedConnection
{
    private readonly Socket _socket;
    private readonly EndPoint _peer;
    private readonly FeedSimOptions _options;
    private readonly FeedSimLog _log;
    private readonly TextWriter _output;
    private readonly IFrameEncoder _encoder;
    private readonly IFeedRecords _records;
    private long _sent;
    private bool _stalled;

    public FeedConnection(Socket socket, FeedSimOptions options, FeedSimLog log, TextWriter output)
    {
        _socket = socket;
        _peer = socket.RemoteEndPoint!;
        _options = options;
        _log = log;
        _output = output;
        _encoder = options.Framing.CreateEncoder();
        _records = FeedRecords.Create(options.Records, new Random());
    }

    /// <summary>Serves the client until it leaves, the connection is dropped, or <paramref name="stopping"/> fires. Never throws.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await ServeAsync(stopping);
        }
        catch (Exception e)
        {
            // One client's surprise must not take down the feed the other clients are using.
            _log.Failed(_peer, e);
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private async Task ServeAsync(CancellationToken stopping)
    {
        _log.Connected(_peer);
        await using var stream = new NetworkStream(_socket, ownsSocket: false);
        using var life = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var reading = PrintIncomingAsync(stream, life.Token);
        var streaming = StreamAsync(stream, life.Token);
        var drop = Task.Delay(_options.DropEvery ?? Timeout.InfiniteTimeSpan, life.Token);

        var first = await Task.WhenAny(reading, streaming, drop);
        await life.CancelAsync();
        var writeFailure = await streaming;

        var clientLeft = await reading ?? writeFailure;

        if (first == drop && drop.IsCompletedSuccessfully)
        {
            await ResetAsync(stream);
            _log.Dropped(_peer, _sent, _options.DropMidFrame && !_stalled);
        }
        else if (clientLeft is not null)
        {
            _log.Disconnected(_peer, _sent, clientLeft);
        }
        else
        {
            CloseGracefully();
            _log.Closed(_peer, _sent);
        }
    }

    /// <summary>Records at the rate until stopped (returns null) or the client is gone (returns why).</summary>
    private async Task<string?> StreamAsync(NetworkStream stream, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await foreach (var seq in new RatePacer(_options.Rate).PaceAsync(Sequence().ToAsyncEnumerable(), token))
            {
                if (clock.Elapsed >= _options.StallAfter)
                {
                    _stalled = true;
                    _log.Stalled(_peer, _sent);
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                }
                await stream.WriteAsync(NextFrame(seq), token);
                _sent = seq;
                _log.RecordSent();
            }
            return null;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A write cancelled part-way may leave part of a frame on the wire; the connection is ending either way.
            return null;
        }
        catch (IOException e)
        {
            return $"write failed: {e.InnerException?.Message ?? e.Message}";
        }
    }

    /// <summary>Prints each frame the client sends as <c>PEER\tTEXT</c> until the client closes (returns how) or reading is stopped (returns null).</summary>
    private async Task<string?> PrintIncomingAsync(NetworkStream stream, CancellationToken token)
    {
        var reader = new FrameReader(stream, _options.Framing.CreateDecoder());
        try
        {
            try
            {
                await foreach (var frame in reader.ReadAllAsync(error => _log.Rejected(_peer, error), token))
                {
                    await _output.WriteLineAsync($"{_peer}\t{FrameEncoding.AsLine(frame)}");
                }
                return "closed by the client";
            }
            catch (InvalidDataException e)
            {
                // The client speaks another framing; the feed goes on, and reading on tells when the client leaves.
                _log.Unframeable(_peer, e.Message);
                var scratch = new byte[4096];
                while (await stream.ReadAsync(scratch, token) > 0)
                {
                }
                return "closed by the client";
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
        catch (IOException e)
        {
            return e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset }
                ? "reset by the client"
                : $"read failed: {e.InnerException?.Message ?? e.Message}";
        }
    }

    /// <summary>An RST rather than a FIN: the peer sees "connection reset", as when a vendor's server or a middlebox drops it.</summary>
    private async Task ResetAsync(NetworkStream stream)
    {
        try
        {
            // A stalled feed stays silent to the end.
            if (_options.DropMidFrame && !_stalled)
            {
                var frame = NextFrame(_sent + 1);
                await stream.WriteAsync(frame.AsMemory(0, frame.Length / 2));
            }
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The client left first: there is nothing left to reset.
        }
        _socket.Close();
    }

    private void CloseGracefully()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the client: closing is all that is left.
        }
        _socket.Close();
    }

    private byte[] NextFrame(long seq) => _encoder.Frame(_records.Next(seq, DateTimeOffset.UtcNow));

    private static IEnumerable<long> Sequence()
    {
        for (long seq = 1; ; seq++)
        {
            yield return seq;
        }
    }
}
