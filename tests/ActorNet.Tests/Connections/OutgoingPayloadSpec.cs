using ActorNet.Configuration;
using ActorNet.Connections;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class OutgoingPayloadSpec
{
    private static readonly DelimiterFramingSettings Lines = new("\n"u8.ToArray(), MaxFrameLength: 8);
    private static readonly LengthFieldFramingSettings LengthPrefixed = new(0, 4, BigEndian: true, 0, InitialBytesToStrip: 4, MaxFrameLength: 12);

    [Theory]
    [InlineData("ping", 5)]
    [InlineData("ping\n", 5)]
    [InlineData("12345678", 9)]
    [InlineData("12345678\n", 9)]
    public void A_delimiter_is_appended_once_whether_or_not_the_payload_ends_with_it(string payload, int framed)
    {
        Assert.True(OutgoingPayload.TryMeasure(Lines, System.Text.Encoding.UTF8.GetBytes(payload), out var length, out var error), error);
        Assert.Equal(framed, length);
    }

    [Theory]
    [InlineData("one\ntwo", "contains the delimiter")]
    [InlineData("one\n\n", "contains the delimiter")]
    [InlineData("123456789", "A payload of 9 bytes does not fit max-frame-length 8.")]
    public void A_payload_a_delimiter_peer_would_split_or_discard_is_refused_saying_why(string payload, string reason)
    {
        Assert.False(OutgoingPayload.TryMeasure(Lines, System.Text.Encoding.UTF8.GetBytes(payload), out _, out var error));
        Assert.Contains(reason, error);
        Assert.DoesNotContain("(Parameter", error);
    }

    [Fact]
    public void A_length_field_frame_is_the_header_and_the_payload_up_to_max_frame_length()
    {
        Assert.True(OutgoingPayload.TryMeasure(LengthPrefixed, "a\nb"u8, out var length, out _));
        Assert.Equal(7, length);
        Assert.True(OutgoingPayload.TryMeasure(LengthPrefixed, new byte[8], out length, out _));
        Assert.Equal(12, length);

        Assert.False(OutgoingPayload.TryMeasure(LengthPrefixed, new byte[9], out _, out var error));
        Assert.Contains("over max-frame-length 12", error);
    }

    [Fact]
    public void A_length_field_framing_that_keeps_header_bytes_cannot_encode()
    {
        var keepsHeader = LengthPrefixed with { InitialBytesToStrip = 0 };

        Assert.False(OutgoingPayload.TryMeasure(keepsHeader, "x"u8, out _, out var error));
        Assert.Contains("cannot encode", error);
    }

    [Fact]
    public void Fixed_framing_takes_only_payloads_of_exactly_its_length()
    {
        var fixedFour = new FixedFramingSettings(4);

        Assert.True(OutgoingPayload.TryMeasure(fixedFour, "abcd"u8, out var length, out _));
        Assert.Equal(4, length);
        Assert.False(OutgoingPayload.TryMeasure(fixedFour, "abc"u8, out _, out var error));
        Assert.Contains("exactly 4 bytes", error);
        // Only delimiter framing strips a trailing delimiter.
        Assert.False(OutgoingPayload.TryMeasure(fixedFour, "abcd\n"u8, out _, out _));
    }

    [Fact]
    public void Raw_framing_sends_the_payload_as_it_is()
    {
        Assert.True(OutgoingPayload.TryMeasure(new RawFramingSettings(4), "longer than 4\n"u8, out var length, out _));
        Assert.Equal(14, length);
    }
}
