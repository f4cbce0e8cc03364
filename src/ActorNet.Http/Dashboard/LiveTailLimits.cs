namespace ActorNet.Http.Dashboard;

/// <summary>
/// How much <c>/ws/tail</c> lets its subscribers hold. Each subscriber is a socket, a queue of up to its sink's
/// <c>subscriber-buffer</c> records and a task; a browser that went away without a close, or stopped reading, must
/// not keep them for good.
/// </summary>
/// <param name="MaxSubscribers">Open sockets at once; one more is answered 503.</param>
/// <param name="SendTimeout">A send that takes longer (the browser stopped reading and the socket is full) closes that subscriber.</param>
/// <param name="KeepAliveInterval">How often a ping goes out, so that proxies keep an idle socket open.</param>
/// <param name="KeepAliveTimeout">A ping without a pong within this aborts the socket (a peer gone without a FIN).</param>
internal sealed record LiveTailLimits(int MaxSubscribers, TimeSpan SendTimeout, TimeSpan KeepAliveInterval, TimeSpan KeepAliveTimeout)
{
    /// <summary>
    /// A dashboard is a handful of operators' tabs, so 32 is plenty; a send that takes 10 s is a stalled browser, as
    /// sends go over loopback or a LAN.
    /// </summary>
    public static readonly LiveTailLimits Default =
        new(MaxSubscribers: 32, SendTimeout: TimeSpan.FromSeconds(10), KeepAliveInterval: TimeSpan.FromSeconds(15), KeepAliveTimeout: TimeSpan.FromSeconds(30));
}
