using System.Text;
using ActorNet.Parsing;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Parsing;

public sealed class TextParserSpec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TextParser _parser = new();

    [Fact]
    public void Renders_payloads_as_text()
    {
        Assert.Equal(PayloadFormat.Text, _parser.Format);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("temperature=21.5;unit=C")]
    [InlineData("héllo wörld")]
    [InlineData("日本語のテキスト")]
    [InlineData("𝄞 music and 😀 emoji")]
    [InlineData("nul \0 and tab \t are valid text")]
    public void Accepts_valid_utf8_and_hands_the_frame_itself_back_as_the_payload(string text)
    {
        var frame = ParsedMemory.Frame(Encoding.UTF8.GetBytes(text));

        var result = _parser.Parse(frame);

        Assert.True(result.IsAccepted);
        Assert.Null(result.Error);
        ParsedMemory.AssertSameMemory(frame, result.Payload);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBF })]               // U+FFFF, a noncharacter but valid UTF-8
    [InlineData(new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]         // U+10FFFF, the last code point
    [InlineData(new byte[] { 0xEE, 0x80, 0x80 })]               // U+E000, just past the surrogates
    [InlineData(new byte[] { 0xED, 0x9F, 0xBF })]               // U+D7FF, just before the surrogates
    public void Accepts_the_code_points_at_the_edges_of_the_valid_ranges(byte[] bytes)
    {
        Assert.True(_parser.Parse(bytes).IsAccepted);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'b', 0xFF, (byte)'c' }, 2)]          // never valid in UTF-8
    [InlineData(new byte[] { 0x80 }, 0)]                                           // continuation byte without a lead
    [InlineData(new byte[] { (byte)'x', 0xC3, 0x28 }, 1)]                          // lead byte followed by ASCII
    [InlineData(new byte[] { 0xC0, 0xAF }, 0)]                                     // overlong '/'
    [InlineData(new byte[] { 0xC1, 0xBF }, 0)]                                     // overlong 2-byte
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF }, 0)]                               // overlong 3-byte
    [InlineData(new byte[] { 0xF0, 0x80, 0x80, 0xAF }, 0)]                         // overlong 4-byte
    [InlineData(new byte[] { (byte)'o', (byte)'k', 0xED, 0xA0, 0x80 }, 2)]         // lone high surrogate U+D800
    [InlineData(new byte[] { 0xED, 0xBF, 0xBF }, 0)]                               // lone low surrogate U+DFFF
    [InlineData(new byte[] { 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80 }, 0)]             // CESU-8 surrogate pair
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, 0)]                         // past U+10FFFF
    [InlineData(new byte[] { 0xF5, 0x80, 0x80, 0x80 }, 0)]                         // lead byte past U+10FFFF
    [InlineData(new byte[] { (byte)'a', (byte)'b', (byte)'c', 0xE2, 0x82 }, 3)]    // truncated 3-byte at the end
    [InlineData(new byte[] { 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98 }, 3)]             // '€' then a truncated 4-byte
    [InlineData(new byte[] { 0xC3 }, 0)]                                           // a lead byte alone
    public void Rejects_invalid_utf8_naming_the_offset_of_the_first_bad_byte(byte[] bytes, int offset)
    {
        var result = _parser.Parse(bytes);

        Assert.False(result.IsAccepted);
        Assert.Equal("invalid-utf8", result.Reason);
        Assert.NotNull(result.Error);
        Assert.Contains($"byte {offset} ", result.Error);
        Assert.Contains($"0x{bytes[offset]:X2}", result.Error);
        Assert.True(result.Payload.IsEmpty);
    }

    [Property]
    public void Accepts_exactly_the_frames_a_strict_decoder_accepts(byte[] bytes)
    {
        bool valid;
        try
        {
            StrictUtf8.GetString(bytes);
            valid = true;
        }
        catch (DecoderFallbackException)
        {
            valid = false;
        }

        var result = _parser.Parse(bytes);

        Assert.Equal(valid, result.IsAccepted);
        Assert.Equal(valid ? "" : "invalid-utf8", result.Reason);
    }

    [Property]
    public void Accepts_the_utf8_encoding_of_any_string(string? text)
    {
        var bytes = Encoding.UTF8.GetBytes(text ?? "");

        Assert.True(_parser.Parse(bytes).IsAccepted);
    }

    // The parser checks a whole read at once when frames are separated by ASCII bytes: that must agree with
    // checking every frame on its own, whatever bytes the frames hold (multi-byte characters cut at the
    // boundaries included).
    [Property(MaxTest = 500)]
    public bool Checking_newline_separated_frames_at_once_agrees_with_checking_each(byte[][] frames)
    {
        var withoutNewlines = frames.Select(f => f.Where(b => b != (byte)'\n').ToArray()).ToArray();
        var bytes = withoutNewlines.SelectMany((f, i) => i == 0 ? f : [(byte)'\n', .. f]).ToArray();
        return _parser.AreAllValid(bytes) == withoutNewlines.All(f => _parser.IsValid(f));
    }

    [Fact]
    public void A_multibyte_character_cut_by_a_separator_fails_the_whole_read_check()
    {
        // "é" is C3 A9: a frame ending in C3 and the next starting with A9 are each invalid, and so is the whole.
        byte[] bytes = [(byte)'a', 0xC3, (byte)'\n', 0xA9, (byte)'b'];
        Assert.False(_parser.AreAllValid(bytes));
        Assert.True(_parser.AreAllValid("caf\u00e9\nna\u00efve"u8));
    }
}
