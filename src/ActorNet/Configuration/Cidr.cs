using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorNet.Configuration;

/// <summary>
/// A block of IP addresses written as CIDR (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) or a single address (a /32 or
/// /128), parsed once at start-up. IPv4-mapped IPv6 addresses (<c>::ffff:10.1.2.3</c>, which a dual-stack socket
/// reports for an IPv4 peer) are the IPv4 addresses they carry, both in a block and in an address tested against it,
/// so <c>10.0.0.0/8</c> matches a peer seen as <c>::ffff:10.1.2.3</c>.
/// </summary>
/// <remarks>Equal by value, so that a configuration read twice from the same text is unchanged (see reload).</remarks>
public sealed class Cidr : IEquatable<Cidr>
{
    private readonly UInt128 _network;
    private readonly UInt128 _mask;

    private Cidr(AddressFamily family, UInt128 network, int prefixLength)
    {
        Family = family;
        PrefixLength = prefixLength;
        var bits = family == AddressFamily.InterNetwork ? 32 : 128;
        _mask = prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefixLength) >> (128 - bits);
        _network = network;
    }

    public AddressFamily Family { get; }

    public int PrefixLength { get; }

    public const string Expected = "a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, or a single address such as 192.0.2.7";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryParse(string text, out Cidr? cidr, out string? problem)
    {
        cidr = null;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        // IPAddress.TryParse also takes "10" or "0x7f.1" for IPv4; a list of trusted addresses should say what it means.
        if (!IPAddress.TryParse(addressText, out var address) || (address.AddressFamily == AddressFamily.InterNetwork && !IsDottedQuad(addressText)))
        {
            problem = $"\"{addressText}\" is not an IPv4 or IPv6 address";
            return false;
        }
        var mapped = address.IsIPv4MappedToIPv6;
        address = Normalise(address);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            var max = mapped ? 128 : bits;
            if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max || (mapped && prefix < 96))
            {
                problem = mapped ? $"a prefix length from 96 to 128 after an IPv4-mapped address, not \"{prefixText}\"" : $"a prefix length from 0 to {bits}, not \"{prefixText}\"";
                return false;
            }
            if (mapped) prefix -= 96;
        }
        var candidate = new Cidr(address.AddressFamily, Value(address), prefix);
        if ((candidate._network & ~candidate._mask) != UInt128.Zero)
        {
            problem = $"{text} has bits set past its /{prefix} prefix (did you mean {candidate.Network()}/{prefix}?)";
            return false;
        }
        cidr = candidate;
        problem = null;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> lies in this block; an address of the other family never does.</summary>
    public bool Contains(IPAddress address)
    {
        address = Normalise(address);
        return address.AddressFamily == Family && (Value(address) & _mask) == _network;
    }

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 address it carries; any other address as it is.</summary>
    public static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public override string ToString() => $"{Network()}/{PrefixLength}";

    public bool Equals(Cidr? other) => other is not null && Family == other.Family && PrefixLength == other.PrefixLength && _network == other._network;

    public override bool Equals(object? obj) => Equals(obj as Cidr);

    public override int GetHashCode() => HashCode.Combine(Family, PrefixLength, _network);

    private IPAddress Network()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, _network & _mask);
        return Family == AddressFamily.InterNetwork ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
    }

    private static UInt128 Value(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
        }
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static bool IsDottedQuad(string text) =>
        text.Count(c => c == '.') == 3 && text.All(c => c is '.' or (>= '0' and <= '9'));
}

/// <summary>A list of <see cref="Cidr"/> blocks (allow, deny, trusted-proxies); empty matches nothing.</summary>
public sealed class CidrList(IReadOnlyList<Cidr> blocks) : IEquatable<CidrList>
{
    public static readonly CidrList Empty = new([]);

    public IReadOnlyList<Cidr> Blocks { get; } = blocks;

    public bool IsEmpty => Blocks.Count == 0;

    public bool Contains(IPAddress address)
    {
        foreach (var block in Blocks)
            if (block.Contains(address)) return true;
        return false;
    }

    public override string ToString() => "[ " + string.Join(", ", Blocks) + " ]";

    public bool Equals(CidrList? other) => other is not null && Blocks.SequenceEqual(other.Blocks);

    public override bool Equals(object? obj) => Equals(obj as CidrList);

    public override int GetHashCode() => Blocks.Aggregate(Blocks.Count, (hash, block) => HashCode.Combine(hash, block));

    /// <summary>The list <paramref name="name"/> of <paramref name="s"/>; every bad entry is reported, naming it.</summary>
    internal static CidrList Read(ConfigSection s, string name)
    {
        var texts = s.StringList(name, $"a list of {Cidr.Expected}s, such as [ 10.0.0.0/8, \"::1\" ]");
        if (texts is null) return Empty;
        var blocks = new List<Cidr>();
        foreach (var text in texts)
        {
            if (Cidr.TryParse(text.Trim(), out var cidr, out var problem)) blocks.Add(cidr!);
            else s.Error(name, text, $"{Cidr.Expected} ({problem})");
        }
        return new CidrList(blocks);
    }
}
