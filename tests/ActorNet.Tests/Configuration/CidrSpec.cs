using System.Net;
using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class CidrSpec
{
    private static Cidr Block(string text)
    {
        Assert.True(Cidr.TryParse(text, out var cidr, out var problem), problem);
        return cidr!;
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/24", "192.168.1.255", true)]
    [InlineData("192.168.1.0/24", "192.168.2.0", false)]
    [InlineData("127.0.0.2", "127.0.0.2", true)]
    [InlineData("127.0.0.2", "127.0.0.3", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::/0", "::1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("fe80::/10", "febf::1", true)]
    [InlineData("fe80::/10", "fec0::1", false)]
    public void Contains_the_addresses_under_its_prefix(string block, string address, bool contained)
    {
        Assert.Equal(contained, Block(block).Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "::ffff:11.1.2.3", false)]
    [InlineData("::ffff:10.0.0.0/104", "10.9.9.9", true)]
    [InlineData("::ffff:10.0.0.0/104", "::ffff:10.9.9.9", true)]
    [InlineData("::ffff:10.0.0.0/104", "11.0.0.1", false)]
    public void An_ipv4_mapped_ipv6_address_is_the_ipv4_address_it_carries(string block, string address, bool contained)
    {
        Assert.Equal(contained, Block(block).Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("192.0.2.7", "192.0.2.7/32")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    public void Prints_as_a_canonical_block(string text, string printed)
    {
        Assert.Equal(printed, Block(text).ToString());
    }

    [Theory]
    [InlineData("10.0.0.1/8", "10.0.0.1/8 has bits set past its /8 prefix (did you mean 10.0.0.0/8?)")]
    [InlineData("10.0.0.0/33", "a prefix length from 0 to 32, not \"33\"")]
    [InlineData("2001:db8::/129", "a prefix length from 0 to 128, not \"129\"")]
    [InlineData("10.0.0.0/", "a prefix length from 0 to 32, not \"\"")]
    [InlineData("10.0.0.0/-1", "a prefix length from 0 to 32, not \"-1\"")]
    [InlineData("::ffff:10.0.0.0/64", "a prefix length from 96 to 128 after an IPv4-mapped address, not \"64\"")]
    [InlineData("10", "\"10\" is not an IPv4 or IPv6 address")]
    [InlineData("0x7f.0.0.1", "\"0x7f.0.0.1\" is not an IPv4 or IPv6 address")]
    [InlineData("example.com/8", "\"example.com\" is not an IPv4 or IPv6 address")]
    [InlineData("", "\"\" is not an IPv4 or IPv6 address")]
    public void Says_what_is_wrong_with_a_bad_block(string text, string problem)
    {
        Assert.False(Cidr.TryParse(text, out _, out var said));
        Assert.Equal(problem, said);
    }
}
