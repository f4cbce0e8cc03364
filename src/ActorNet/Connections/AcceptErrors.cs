using System.Net.Sockets;

namespace ActorNet.Connections;

/// <summary>What a failed accept means for the listener.</summary>
internal enum AcceptErrorKind
{
    /// <summary>The peer went away before it was accepted (ECONNABORTED, ECONNRESET...): accept the next one at once.</summary>
    Transient,

    /// <summary>
    /// Out of descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), or an error not known to be either of
    /// the others: pause until something is given back, then try again. Never spins, never gives up.
    /// </summary>
    Resources,

    /// <summary>The listening socket itself is unusable (ENOTSOCK, EINVAL: not listening, EFAULT): retrying cannot help.</summary>
    Fatal,
}

/// <summary>Sorts accept(2) errors; see its Linux man page, which asks servers to retry on the network errors it passes on.</summary>
internal static class AcceptErrors
{
    public static AcceptErrorKind Classify(SocketError error) => error switch
    {
        // A connection that failed before it was accepted, or a network error Linux hands to accept for it.
        SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.Interrupted or SocketError.TryAgain
            or SocketError.TimedOut or SocketError.NetworkDown or SocketError.NetworkUnreachable or SocketError.HostDown
            or SocketError.HostUnreachable or SocketError.ProtocolNotSupported or SocketError.ProtocolOption
            or SocketError.OperationNotSupported or SocketError.AccessDenied
            => AcceptErrorKind.Transient,
        SocketError.NotSocket or SocketError.InvalidArgument or SocketError.Fault or SocketError.AddressFamilyNotSupported
            => AcceptErrorKind.Fatal,
        _ => AcceptErrorKind.Resources,
    };
}
