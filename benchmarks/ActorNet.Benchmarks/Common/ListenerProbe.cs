using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// Waits until something accepts TCP connections on an endpoint. A host can report "started" before its
/// listener has bound (the bind may be a message to an actor), and a load generator that connects too early
/// gets "connection refused" instead of a measurement.
/// </summary>
public static class ListenerProbe
{
    public static async Task WaitUntilAcceptingAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Not bound yet: try again shortly.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing accepted connections on {endPoint} within {timeout.TotalSeconds:0} s");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing accepted connections on {endPoint} within {timeout.TotalSeconds:0} s");
            }
        }
    }
}
