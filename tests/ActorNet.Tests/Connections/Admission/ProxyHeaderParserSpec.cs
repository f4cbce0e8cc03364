using System.Net;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Connections.Admission;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections.Admission;

public sealed class ProxyHeaderParserSpec
{
    // The examples of HAProxy's proxy-protocol.txt, section 2.1 (v1).
    public const string V1Tcp4Example = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
    public const string V1Tcp4Longest = "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n";
    public const string V1Tcp6Longest =
        "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
    public const string V1UnknownShortest = "PROXY UNKNOWN\r\n";
    public const string V1UnknownLongest =
        "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";

    /// <summary>A v2 header as section 2.2 lays it out: signature, version/command, family/protocol, length, addresses, TLVs.</summary>
    public static byte[] V2(byte command, byte familyAndProtocol, byte[] addresses, byte[]? tlvs = null)
    {
        tlvs ??= [];
        var length = addresses.Length + tlvs.Length;
        return [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, (byte)(0x20 | command), familyAndProtocol,
            (byte)(length >> 8), (byte)length, .. addresses, .. tlvs];
    }

    /// <summary>TCP over IPv4, 192.0.2.10:51234 to 198.51.100.1:443.</summary>
    public static byte[] V2Tcp4(byte[]? tlvs = null) =>
        V2(0x1, 0x11, [192, 0, 2, 10, 198, 51, 100, 1, 0xC8, 0x22, 0x01, 0xBB], tlvs);

    private static ProxyHeaderStatus Parse(ReadOnlySpan<byte> bytes, ProxyProtocolMode mode, out ProxyHeader header) =>
        ProxyHeaderParser.TryParse(bytes, mode, out header, out _, out _);

    [Theory]
    [InlineData(V1Tcp4Example, "192.168.0.1:56324", "192.168.0.11:443")]
    [InlineData(V1Tcp4Longest, "255.255.255.255:65535", "255.255.255.255:65535")]
    [InlineData(V1Tcp6Longest, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]
    public void Reads_the_client_and_destination_of_the_specifications_v1_examples(string line, string source, string destination)
    {
        var bytes = Encoding.ASCII.GetBytes(line + "first frame\n");

        Assert.Equal(ProxyHeaderStatus.Complete, Parse(bytes, ProxyProtocolMode.V1, out var header));
        Assert.Equal(line.Length, header.Length);
        Assert.Equal(1, header.Version);
        Assert.Equal(source, header.Source!.ToString());
        Assert.Equal(destination, header.Destination!.ToString());
    }

    [Theory]
    [InlineData(V1UnknownShortest)]
    [InlineData(V1UnknownLongest)]
    public void V1_unknown_names_no_client_so_the_connections_own_peer_stands(string line)
    {
        Assert.Equal(ProxyHeaderStatus.Complete, Parse(Encoding.ASCII.GetBytes(line), ProxyProtocolMode.Any, out var header));
        Assert.Equal(line.Length, header.Length);
        Assert.Null(header.Source);
    }

    [Fact]
    public void The_longest_v1_header_is_107_bytes_as_the_specification_says()
    {
        Assert.Equal(ProxyHeaderParser.V1MaxLength, V1UnknownLongest.Length);
    }

    [Fact]
    public void Reads_a_v2_tcp4_header_and_leaves_what_follows()
    {
        byte[] bytes = [.. V2Tcp4(), .. "hello\n"u8];

        Assert.Equal(ProxyHeaderStatus.Complete, Parse(bytes, ProxyProtocolMode.V2, out var header));
        Assert.Equal(28, header.Length);
        Assert.Equal(2, header.Version);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 51234), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 443), header.Destination);
    }

    [Fact]
    public void Reads_a_v2_tcp6_header()
    {
        var source = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var destination = IPAddress.Parse("2001:db8::2").GetAddressBytes();
        var bytes = V2(0x1, 0x21, [.. source, .. destination, 0x30, 0x39, 0x00, 0x50]);

        Assert.Equal(ProxyHeaderStatus.Complete, Parse(bytes, ProxyProtocolMode.Any, out var header));
        Assert.Equal(16 + 36, header.Length);
        Assert.Equal("[2001:db8::1]:12345", header.Source!.ToString());
        Assert.Equal("[2001:db8::2]:80", header.Destination!.ToString());
    }

    [Fact]
    public void Skips_the_tlvs_of_a_v2_header()
    {
        // PP2_TYPE_ALPN "h2", PP2_TYPE_AUTHORITY "example.com", PP2_TYPE_NOOP of 3 bytes.
        byte[] tlvs = [0x01, 0x00, 0x02, (byte)'h', (byte)'2', 0x02, 0x00, 0x0B, .. "example.com"u8, 0x04, 0x00, 0x03, 0, 0, 0];
        byte[] bytes = [.. V2Tcp4(tlvs), .. "PAYLOAD"u8];

        Assert.Equal(ProxyHeaderStatus.Complete, Parse(bytes, ProxyProtocolMode.V2, out var header));
        Assert.Equal(28 + tlvs.Length, header.Length);
        Assert.Equal("PAYLOAD", Encoding.ASCII.GetString(bytes.AsSpan(header.Length)));
        Assert.Equal("192.0.2.10:51234", header.Source!.ToString());
    }

    [Fact]
    public void A_v2_local_command_is_the_proxy_speaking_for_itself()
    {
        // HAProxy's health checks: LOCAL, AF_UNSPEC, no addresses.
        Assert.Equal(ProxyHeaderStatus.Complete, Parse(V2(0x0, 0x00, []), ProxyProtocolMode.V2, out var header));
        Assert.Equal(16, header.Length);
        Assert.Null(header.Source);
    }

    [Fact]
    public void A_v2_local_command_with_addresses_still_names_no_client()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, Parse(V2(0x0, 0x11, [10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2]), ProxyProtocolMode.V2, out var header));
        Assert.Equal(28, header.Length);
        Assert.Null(header.Source);
    }

    [Fact]
    public void Every_prefix_of_a_header_needs_more_data_and_says_how_much_at_least()
    {
        foreach (var header in new[] { Encoding.ASCII.GetBytes(V1Tcp6Longest), V2Tcp4([0x04, 0x00, 0x01, 0]) })
        for (var length = 0; length < header.Length; length++)
        {
            var status = ProxyHeaderParser.TryParse(header.AsSpan(0, length), ProxyProtocolMode.Any, out _, out var needed, out var error);
            Assert.True(status == ProxyHeaderStatus.NeedMoreData, $"prefix of {length} bytes: {status} {error}");
            Assert.InRange(needed, length + 1, header.Length);
        }
    }

    [Property(MaxTest = 300)]
    public bool Any_bytes_after_a_complete_header_are_left_alone(byte[] rest, bool v2)
    {
        byte[] header = v2 ? V2Tcp4() : Encoding.ASCII.GetBytes(V1Tcp4Example);
        byte[] bytes = [.. header, .. rest ?? []];
        return Parse(bytes, ProxyProtocolMode.Any, out var parsed) == ProxyHeaderStatus.Complete && parsed.Length == header.Length
            && parsed.Source!.ToString() == (v2 ? "192.0.2.10:51234" : "192.168.0.1:56324");
    }

    [Property(MaxTest = 500)]
    public bool Arbitrary_bytes_never_throw_and_a_complete_header_never_claims_more_than_it_was_given(byte[] bytes, byte modeByte)
    {
        bytes ??= [];
        var mode = (ProxyProtocolMode)(1 + modeByte % 3);
        var status = ProxyHeaderParser.TryParse(bytes, mode, out var header, out var needed, out var error);
        return status switch
        {
            ProxyHeaderStatus.Complete => header.Length <= bytes.Length,
            ProxyHeaderStatus.NeedMoreData => needed > bytes.Length,
            _ => !string.IsNullOrEmpty(error),
        };
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", "does not start with a PROXY protocol v1 header")]
    [InlineData("PROXY TCP5 1.2.3.4 1.2.3.5 1 2\r\n", "protocol \"TCP5\"")]
    [InlineData("PROXY TCP4 1.2.3 1.2.3.5 1 2\r\n", "\"1.2.3\" where an IPv4 address belongs")]
    [InlineData("PROXY TCP4 ::1 1.2.3.5 1 2\r\n", "\"::1\" where an IPv4 address belongs")]
    [InlineData("PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "\"1.2.3.4\" where an IPv6 address belongs")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.5 65536 2\r\n", "\"65536\" where a port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.5 01 2\r\n", "\"01\" where a port")]
    [InlineData("PROXY TCP4 1.2.3.4  1.2.3.5 1 2\r\n", "\"\" where an IPv4 address belongs")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.5 1 2 extra\r\n", "\"extra\" after the destination port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.5 1 2\n", "stray LF")]
    [InlineData("proxy TCP4 1.2.3.4 1.2.3.5 1 2\r\n", "does not start with a PROXY protocol v1 header")]
    public void Rejects_a_malformed_v1_header_saying_what_is_wrong(string line, string expected)
    {
        var status = ProxyHeaderParser.TryParse(Encoding.ASCII.GetBytes(line), ProxyProtocolMode.V1, out _, out _, out var error);

        Assert.Equal(ProxyHeaderStatus.Invalid, status);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Rejects_a_v1_line_with_no_crlf_within_107_bytes()
    {
        var line = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 120));

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(line, ProxyProtocolMode.V1, out _, out _, out var error));
        Assert.Contains("no CRLF within its maximum of 107 bytes", error);
    }

    [Theory]
    [InlineData(0x1, 0x11, 0x10, "version 1")]
    [InlineData(0x2, 0x11, 0x20, "command 0x2")]
    [InlineData(0x1, 0x41, 0x20, "address family 0x4")]
    [InlineData(0x1, 0x13, 0x20, "protocol 0x3")]
    public void Rejects_a_v2_header_of_an_unknown_version_command_or_family(byte command, byte family, byte versionBits, string expected)
    {
        var bytes = V2(command, family, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2]);
        bytes[12] = (byte)(versionBits | command);

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(bytes, ProxyProtocolMode.V2, out _, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Rejects_a_v2_header_too_short_for_its_addresses()
    {
        var bytes = V2(0x1, 0x21, new byte[12]);

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(bytes, ProxyProtocolMode.V2, out _, out _, out var error));
        Assert.Contains("12 bytes after its fixed part, too short for its 36 bytes of addresses", error);
    }

    [Fact]
    public void A_mode_accepts_only_its_own_version()
    {
        var v1 = Encoding.ASCII.GetBytes(V1Tcp4Example);
        var v2 = V2Tcp4();

        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(v2, ProxyProtocolMode.V1, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(v1, ProxyProtocolMode.V2, out _));
        Assert.Equal(ProxyHeaderStatus.Complete, Parse(v1, ProxyProtocolMode.Any, out _));
        Assert.Equal(ProxyHeaderStatus.Complete, Parse(v2, ProxyProtocolMode.Any, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(v1, ProxyProtocolMode.Off, out _));
    }

    [Fact]
    public void A_corrupted_v2_signature_is_refused_at_its_first_wrong_byte()
    {
        var bytes = V2Tcp4();
        bytes[5] = 0x0E;

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.TryParse(bytes.AsSpan(0, 6), ProxyProtocolMode.V2, out _, out _, out var error));
        Assert.Contains("v2 signature", error);
    }

    [Fact]
    public void Parsing_an_incomplete_header_allocates_nothing()
    {
        var partial = V2Tcp4().AsSpan(0, 20).ToArray();
        var v1Partial = Encoding.ASCII.GetBytes(V1Tcp6Longest)[..90];
        for (var i = 0; i < 3; i++) Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) Run();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Run()
        {
            ProxyHeaderParser.TryParse(partial, ProxyProtocolMode.Any, out _, out _, out _);
            ProxyHeaderParser.TryParse(v1Partial, ProxyProtocolMode.Any, out _, out _, out _);
        }
    }
}
