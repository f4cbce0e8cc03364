using System.Buffers.Binary;
using System.Net;
using ActorNet.Configuration;

namespace ActorNet.Connections.Admission;

/// <summary>What <see cref="ProxyHeaderParser.TryParse"/> found.</summary>
public enum ProxyHeaderStatus
{
    /// <summary>The bytes so far are a valid beginning; the header needs at least <c>needed</c> bytes in all.</summary>
    NeedMoreData,

    Complete,

    /// <summary>Not a header of an accepted version, or a malformed one: the connection is refused.</summary>
    Invalid,
}

/// <summary>
/// A parsed PROXY protocol header. <see cref="Source"/> is null when the header does not name a client: a v2 LOCAL
/// command (the proxy's own health check), v1 <c>UNKNOWN</c>, or a v2 address family other than IPv4 and IPv6; the
/// connection's own peer address stands then, as the specification asks.
/// </summary>
/// <param name="Length">The header's bytes, TLVs included: what follows belongs to the connection.</param>
public readonly record struct ProxyHeader(int Length, int Version, IPEndPoint? Source, IPEndPoint? Destination);

/// <summary>
/// Parses a PROXY protocol header (HAProxy's specification, versions 1 and 2) at the start of a byte span. Pure: no
/// socket, no actor, no allocation per byte (only the addresses of a complete header are allocated), so it can be
/// handed any chunking of the stream; the caller reads until it is complete or invalid.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>The longest v1 header: "PROXY UNKNOWN " + two IPv6 addresses and ports + CRLF.</summary>
    public const int V1MaxLength = 107;

    /// <summary>A v2 header's fixed part: signature (12), version and command, family and protocol, length (2).</summary>
    public const int V2FixedLength = 16;

    public const int V2MaxLength = V2FixedLength + ushort.MaxValue;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <param name="data">The connection's first bytes; may hold more than the header.</param>
    /// <param name="mode">Which versions are accepted (<see cref="ProxyProtocolMode.Off"/> accepts none).</param>
    /// <param name="header">The header when <see cref="ProxyHeaderStatus.Complete"/>.</param>
    /// <param name="needed">With <see cref="ProxyHeaderStatus.NeedMoreData"/>: the fewest bytes the whole header can have.</param>
    /// <param name="error">With <see cref="ProxyHeaderStatus.Invalid"/>: what is wrong, for the log.</param>
    public static ProxyHeaderStatus TryParse(ReadOnlySpan<byte> data, ProxyProtocolMode mode, out ProxyHeader header, out int needed,
        out string? error)
    {
        header = default;
        needed = 0;
        error = null;
        if (data.IsEmpty)
        {
            needed = mode == ProxyProtocolMode.V2 ? V2FixedLength : V1Prefix.Length;
            return ProxyHeaderStatus.NeedMoreData;
        }
        var acceptsV1 = mode is ProxyProtocolMode.V1 or ProxyProtocolMode.Any;
        var acceptsV2 = mode is ProxyProtocolMode.V2 or ProxyProtocolMode.Any;
        if (acceptsV1 && data[0] == V1Prefix[0]) return ParseV1(data, out header, out needed, out error);
        if (acceptsV2 && data[0] == V2Signature[0]) return ParseV2(data, out header, out needed, out error);
        error = $"the connection does not start with a PROXY protocol {Versions(mode)} header (first byte 0x{data[0]:X2})";
        return ProxyHeaderStatus.Invalid;
    }

    private static string Versions(ProxyProtocolMode mode) => mode switch
    {
        ProxyProtocolMode.V1 => "v1",
        ProxyProtocolMode.V2 => "v2",
        ProxyProtocolMode.Any => "v1 or v2",
        _ => "(none accepted)",
    };

    private static ProxyHeaderStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader header, out int needed, out string? error)
    {
        header = default;
        needed = 0;
        error = null;
        var prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            error = "the connection does not start with \"PROXY \" (a PROXY protocol v1 header)";
            return ProxyHeaderStatus.Invalid;
        }
        var window = data[..Math.Min(data.Length, V1MaxLength)];
        var end = window.IndexOf("\r\n"u8);
        if (end < 0)
        {
            // A lone LF or CR is never part of a header: waiting for more would only wait for the timeout.
            var stray = window.IndexOfAny((byte)'\n', (byte)'\r');
            if (stray >= 0 && !(stray == window.Length - 1 && window[stray] == (byte)'\r'))
            {
                error = $"PROXY v1 header has a stray {(window[stray] == '\n' ? "LF" : "CR")} at byte {stray} (a header ends with CRLF)";
                return ProxyHeaderStatus.Invalid;
            }
            if (window.Length >= V1MaxLength)
            {
                error = $"PROXY v1 header has no CRLF within its maximum of {V1MaxLength} bytes";
                return ProxyHeaderStatus.Invalid;
            }
            needed = window.Length + (window[^1] == (byte)'\r' ? 1 : 2);
            return ProxyHeaderStatus.NeedMoreData;
        }

        var line = window[V1Prefix.Length..end];
        var length = end + 2;
        var protocol = NextField(ref line);
        if (protocol.SequenceEqual("UNKNOWN"u8))
        {
            // The proxy could not tell (or will not say) who the client is; whatever follows is to be ignored.
            header = new ProxyHeader(length, 1, null, null);
            return ProxyHeaderStatus.Complete;
        }
        var ipv6 = protocol.SequenceEqual("TCP6"u8);
        if (!ipv6 && !protocol.SequenceEqual("TCP4"u8))
        {
            error = $"PROXY v1 header names protocol \"{Ascii(protocol)}\"; expected TCP4, TCP6 or UNKNOWN";
            return ProxyHeaderStatus.Invalid;
        }
        if (!TryAddress(NextField(ref line), ipv6, out var source, out error)
            || !TryAddress(NextField(ref line), ipv6, out var destination, out error)
            || !TryPort(NextField(ref line), out var sourcePort, out error)
            || !TryPort(NextField(ref line), out var destinationPort, out error))
            return ProxyHeaderStatus.Invalid;
        if (!line.IsEmpty)
        {
            error = $"PROXY v1 header has \"{Ascii(line)}\" after the destination port";
            return ProxyHeaderStatus.Invalid;
        }
        header = new ProxyHeader(length, 1, new IPEndPoint(source!, sourcePort), new IPEndPoint(destination!, destinationPort));
        return ProxyHeaderStatus.Complete;
    }

    /// <summary>The text up to the next single space (fields are separated by exactly one), and the rest after it.</summary>
    private static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        if (space < 0)
        {
            var last = line;
            line = default;
            return last;
        }
        var field = line[..space];
        line = line[(space + 1)..];
        return field;
    }

    private static bool TryAddress(ReadOnlySpan<byte> field, bool ipv6, out IPAddress? address, out string? error)
    {
        address = null;
        error = null;
        Span<char> text = stackalloc char[field.Length];
        for (var i = 0; i < field.Length; i++) text[i] = (char)field[i];
        // IPAddress.TryParse also takes "10" or "0x7f.0.0.1" for IPv4; the specification wants dotted decimal.
        var dotted = text.Count('.') == 3 && !text.ContainsAnyExcept("0123456789.");
        if (field.Length is > 0 and <= 45 && IPAddress.TryParse(text, out address)
            && (ipv6 ? address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 : dotted))
            return true;
        address = null;
        error = $"PROXY v1 header has \"{Ascii(field)}\" where an {(ipv6 ? "IPv6" : "IPv4")} address belongs";
        return false;
    }

    private static bool TryPort(ReadOnlySpan<byte> field, out int port, out string? error)
    {
        port = 0;
        error = null;
        var valid = field.Length is > 0 and <= 5 && !(field.Length > 1 && field[0] == (byte)'0');
        foreach (var b in field)
        {
            if (b is < (byte)'0' or > (byte)'9') valid = false;
            else port = port * 10 + (b - '0');
        }
        if (valid && port <= ushort.MaxValue) return true;
        error = $"PROXY v1 header has \"{Ascii(field)}\" where a port (0-65535) belongs";
        return false;
    }

    private static ProxyHeaderStatus ParseV2(ReadOnlySpan<byte> data, out ProxyHeader header, out int needed, out string? error)
    {
        header = default;
        needed = 0;
        error = null;
        var signature = Math.Min(data.Length, V2Signature.Length);
        if (!data[..signature].SequenceEqual(V2Signature[..signature]))
        {
            error = "the connection does not start with the PROXY protocol v2 signature";
            return ProxyHeaderStatus.Invalid;
        }
        if (data.Length < V2FixedLength)
        {
            needed = V2FixedLength;
            return ProxyHeaderStatus.NeedMoreData;
        }

        var version = data[12] >> 4;
        var command = data[12] & 0x0F;
        var family = data[13] >> 4;
        var transport = data[13] & 0x0F;
        var length = V2FixedLength + BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (version != 2)
        {
            error = $"PROXY v2 header has version {version}; expected 2";
            return ProxyHeaderStatus.Invalid;
        }
        if (command > 1)
        {
            error = $"PROXY v2 header has command 0x{command:X}; expected LOCAL (0) or PROXY (1)";
            return ProxyHeaderStatus.Invalid;
        }
        if (family > 3 || transport > 2)
        {
            error = $"PROXY v2 header has address family 0x{family:X} and protocol 0x{transport:X}; expected at most 3 (UNIX) and 2 (DGRAM)";
            return ProxyHeaderStatus.Invalid;
        }
        var addressLength = command == 0 ? 0 : family switch { 1 => 12, 2 => 36, 3 => 216, _ => 0 };
        if (length - V2FixedLength < addressLength)
        {
            error = $"PROXY v2 header is {length - V2FixedLength} bytes after its fixed part, too short for its {addressLength} bytes of addresses";
            return ProxyHeaderStatus.Invalid;
        }
        if (data.Length < length)
        {
            needed = length;
            return ProxyHeaderStatus.NeedMoreData;
        }

        // LOCAL: the proxy speaks for itself; UNSPEC and UNIX carry no client IP. The connection's own peer stands.
        if (command == 0 || family is 0 or 3)
        {
            header = new ProxyHeader(length, 2, null, null);
            return ProxyHeaderStatus.Complete;
        }
        var addresses = data[V2FixedLength..];
        var size = family == 1 ? 4 : 16;
        var source = new IPAddress(addresses[..size]);
        var destination = new IPAddress(addresses.Slice(size, size));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * size)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * size + 2)..]);
        // What follows the addresses up to the length is TLVs (ALPN, authority, SSL details...): nothing here needs them.
        header = new ProxyHeader(length, 2, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyHeaderStatus.Complete;
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, 48)];
        return string.Create(shown.Length, shown.ToArray(), (chars, b) =>
        {
            for (var i = 0; i < b.Length; i++) chars[i] = b[i] is >= 0x20 and < 0x7F ? (char)b[i] : '?';
        });
    }
}
