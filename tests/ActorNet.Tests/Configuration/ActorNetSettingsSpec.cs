using System.Globalization;
using ActorNet.Configuration;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class ActorNetSettingsSpec
{
    // The example from the issue, verbatim: it is a contract, every value must mean what it says.
    private const string IssueExample = """
        actornet {
          shutdown-timeout = 10s
          sources {
            sensors {
              type = tcp-listen
              host = 127.0.0.1
              port = 7000
              max-connections = 10000
              idle-timeout = 5m
              framing {
                type = delimiter
                delimiter = "\n"
                max-frame-length = 64 KiB
              }
              parser = text
              sinks = [ file ]
              quarantine = rejects
            }
          }
          sinks {
            file    { type = jsonl, path = "data/frames.jsonl" }
            rejects { type = jsonl, path = "data/quarantine.jsonl" }
          }
          http.enabled = off
        }
        """;

    [Fact]
    public void The_embedded_default_is_one_text_source_on_port_7000_into_sqlite_with_rejects_in_jsonl_and_the_dashboard_on()
    {
        var settings = ActorNetSettings.Create(ActorNetSettings.EmbeddedDefault.WithFallback(ActorNetSettings.Reference));

        var source = Assert.Single(settings.Sources);
        Assert.Equal("default", source.Name);
        Assert.Equal(SourceType.TcpListen, source.Type);
        Assert.Equal("127.0.0.1", source.Host);
        Assert.Equal(7000, source.Port);
        var framing = Assert.IsType<DelimiterFramingSettings>(source.Framing);
        Assert.Equal("\n"u8.ToArray(), framing.Delimiter);
        Assert.Equal(64 * 1024, framing.MaxFrameLength);
        Assert.Equal("text", source.Parser);
        Assert.Equal(["store", "live"], source.Sinks);
        Assert.Equal("rejects", source.Quarantine);
        Assert.Equal("sqlite", settings.Sinks["store"].Type);
        Assert.Equal("data/spool", settings.Sinks["store"].SpoolDir);
        Assert.Equal("websocket", settings.Sinks["live"].Type);
        Assert.Equal(new HttpSettings(true, "127.0.0.1", 8080, ""), settings.Http);
        Assert.Equal("data/actornet.db", settings.Sinks["store"].Path);
        Assert.Equal("frames", settings.Sinks["store"].Table);
        Assert.Equal("jsonl", settings.Sinks["rejects"].Type);
        Assert.Equal("data/quarantine.jsonl", settings.Sinks["rejects"].Path);
    }

    [Fact]
    public void The_issue_example_parses_with_every_value_as_written()
    {
        var settings = ActorNetSettings.Parse(IssueExample);

        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownTimeout);
        var source = Assert.Single(settings.Sources);
        Assert.Equal("sensors", source.Name);
        Assert.Equal(SourceType.TcpListen, source.Type);
        Assert.Equal("127.0.0.1", source.Host);
        Assert.Equal(7000, source.Port);
        Assert.Equal(10_000, source.MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(5), source.IdleTimeout);
        var framing = Assert.IsType<DelimiterFramingSettings>(source.Framing);
        Assert.Equal("delimiter", framing.Type);
        Assert.Equal(new byte[] { 10 }, framing.Delimiter);
        Assert.Equal(65_536, framing.MaxFrameLength);
        Assert.Equal("text", source.Parser);
        Assert.Equal(["file"], source.Sinks);
        Assert.Equal("rejects", source.Quarantine);
        Assert.Equal(["file", "rejects"], source.AllSinks);

        Assert.Equal(["file", "rejects", "store"], settings.Sinks.Keys.Order());
        Assert.Equal(new SinkSettings("file", "jsonl", "data/frames.jsonl", 64 * 1024, TimeSpan.FromSeconds(1)), settings.Sinks["file"]);
        Assert.Equal(new SinkSettings("rejects", "jsonl", "data/quarantine.jsonl", 64 * 1024, TimeSpan.FromSeconds(1)), settings.Sinks["rejects"]);
        Assert.False(settings.Http.Enabled);
    }

    [Fact]
    public void A_source_that_sets_only_its_port_takes_every_other_value_from_reference_conf()
    {
        var settings = ActorNetSettings.Parse("actornet.sources.s.port = 7001");
        var source = Assert.Single(settings.Sources);

        Assert.Equal("127.0.0.1", source.Host);
        Assert.Equal(10_000, source.MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(5), source.IdleTimeout);
        Assert.Equal(8192, source.MaxInflightFrames);
        Assert.Equal(64 * 1024, source.MaxInflightBytes); // auto: one read buffer per TCP connection
        Assert.Equal(64 * 1024, source.ReadBufferSize);
        Assert.Equal(64 * 1024, source.QuarantineRawLimit);
        Assert.Equal(2, source.ParserParallelism);
        Assert.Equal(new RestartSettings(5, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100)), source.Restart);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownTimeout);
    }

    [Fact]
    public void A_crlf_delimiter_is_the_two_bytes_13_and_10()
    {
        var source = ParseSource("""framing { delimiter = "\r\n" }""");

        Assert.Equal(new byte[] { 13, 10 }, Assert.IsType<DelimiterFramingSettings>(source.Framing).Delimiter);
    }

    [Theory]
    [InlineData("""delimiter = "\u0000" """, new byte[] { 0 })]
    [InlineData("""delimiter = "END" """, new byte[] { (byte)'E', (byte)'N', (byte)'D' })]
    [InlineData("""delimiter = "\t" """, new byte[] { 9 })]
    public void A_delimiter_is_any_byte_sequence_written_with_json_escapes(string line, byte[] expected)
    {
        var source = ParseSource($"framing {{ {line} }}");

        Assert.Equal(expected, Assert.IsType<DelimiterFramingSettings>(source.Framing).Delimiter);
    }

    [Fact]
    public void Idle_timeout_off_disables_the_timeout()
    {
        Assert.Null(ParseSource("idle-timeout = off").IdleTimeout);
    }

    [Theory]
    [InlineData("max-frame-length = 512", 512)]
    [InlineData("max-frame-length = 64 KiB", 65_536)]
    [InlineData("max-frame-length = 4MiB", 4_194_304)]
    [InlineData("max-frame-length = \"1 kB\"", 1_000)]
    public void Max_frame_length_accepts_sizes_with_units(string line, int expected)
    {
        Assert.Equal(expected, ParseSource($"framing {{ {line} }}").Framing.MaxFrameLength);
    }

    [Fact]
    public void Length_field_framing_reads_every_key()
    {
        var source = ParseSource("""
            framing {
              type = length-field
              length-field-offset = 2
              length-field-length = 2
              byte-order = little-endian
              length-adjustment = -3
              initial-bytes-to-strip = 1
              max-frame-length = 1 KiB
            }
            """);

        Assert.Equal(new LengthFieldFramingSettings(
                LengthFieldOffset: 2, LengthFieldLength: 2, BigEndian: false, LengthAdjustment: -3, InitialBytesToStrip: 1,
                MaxFrameLength: 1024),
            source.Framing);
        Assert.False(source.Framing.CanResynchronise);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void Length_field_framing_accepts_fields_of_1_2_3_4_and_8_bytes(int length)
    {
        var framing = Assert.IsType<LengthFieldFramingSettings>(
            ParseSource($"framing {{ type = length-field, length-field-length = {length} }}").Framing);

        Assert.Equal(length, framing.LengthFieldLength);
    }

    [Fact]
    public void Length_field_framing_defaults_to_a_4_byte_big_endian_field_at_offset_0_stripped_whole()
    {
        var framing = Assert.IsType<LengthFieldFramingSettings>(ParseSource("framing.type = length-field").Framing);

        Assert.Equal(new LengthFieldFramingSettings(0, 4, true, 0, 4, 65_536), framing);
    }

    [Fact]
    public void Initial_bytes_to_strip_auto_strips_the_offset_and_the_length_field()
    {
        var framing = Assert.IsType<LengthFieldFramingSettings>(ParseSource("""
            framing { type = length-field, length-field-offset = 3, length-field-length = 8, initial-bytes-to-strip = auto }
            """).Framing);

        Assert.Equal(11, framing.InitialBytesToStrip);
        Assert.True(framing.BigEndian);
    }

    [Fact]
    public void Fixed_framing_reads_the_frame_length()
    {
        var framing = Assert.IsType<FixedFramingSettings>(ParseSource("framing { type = fixed, frame-length = 16 }").Framing);

        Assert.Equal(16, framing.FrameLength);
        Assert.Equal(16, framing.MaxFrameLength);
    }

    [Fact]
    public void Raw_framing_takes_the_max_frame_length()
    {
        var framing = Assert.IsType<RawFramingSettings>(ParseSource("framing { type = raw, max-frame-length = 2 KiB }").Framing);

        Assert.Equal(2048, framing.MaxFrameLength);
    }

    [Fact]
    public void Two_sources_on_different_ports_are_both_kept_in_name_order()
    {
        var settings = ActorNetSettings.Parse("""
            actornet.sources {
              zeta  { port = 7001, parser = binary }
              alpha { port = 7002, parser = json }
            }
            """);

        Assert.Equal(["alpha", "zeta"], settings.Sources.Select(s => s.Name));
        Assert.Equal(["json", "binary"], settings.Sources.Select(s => s.Parser));
    }

    // ---- invalid configurations: each names the full key, the bad value and what was expected ----

    [Fact]
    public void An_unknown_top_level_key_is_rejected()
    {
        var error = SingleError("actornet.shutdown-timeuot = 5s" + ASource);

        Assert.StartsWith("actornet.shutdown-timeuot:", error);
        Assert.Contains("unknown key", error);
        Assert.Contains("shutdown-timeout", error);
    }

    [Fact]
    public void An_unknown_key_in_a_source_is_rejected()
    {
        var error = SingleError(Source("max-conections = 10"));

        Assert.StartsWith("actornet.sources.sensors.max-conections:", error);
        Assert.Contains("unknown key", error);
        Assert.Contains("max-connections", error);
    }

    [Fact]
    public void An_unknown_key_in_framing_is_rejected()
    {
        var error = SingleError(Source("framing { delimeter = \";\" }"));

        Assert.StartsWith("actornet.sources.sensors.framing.delimeter:", error);
        Assert.Contains("unknown key", error);
        Assert.Contains("delimiter", error);
    }

    [Fact]
    public void An_unknown_key_in_a_sink_is_rejected()
    {
        var error = SingleError("""actornet.sinks.file { type = jsonl, path = "a.jsonl", pth = "b.jsonl" }""" + ASource);

        Assert.StartsWith("actornet.sinks.file.pth:", error);
        Assert.Contains("unknown key", error);
        Assert.Contains("path", error);
    }

    [Fact]
    public void An_unknown_key_in_the_http_block_is_rejected()
    {
        var error = SingleError("actornet.http.prot = 8080" + ASource);

        Assert.StartsWith("actornet.http.prot:", error);
        Assert.Contains("unknown key", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("abc")]
    [InlineData("-1")]
    public void A_port_outside_1_to_65535_is_rejected(string port)
    {
        AssertSingleError(Source($"port = {port}"), "actornet.sources.sensors.port", port, "1 to 65535");
    }

    [Fact]
    public void A_source_without_a_port_is_rejected()
    {
        AssertSingleError("actornet.sources.sensors.parser = text", "actornet.sources.sensors.port", "0", "1 to 65535");
    }

    [Fact]
    public void Zero_max_connections_is_rejected()
    {
        AssertSingleError(Source("max-connections = 0"), "actornet.sources.sensors.max-connections", "0", "1 to 1000000");
    }

    [Fact]
    public void A_duration_in_an_unknown_unit_is_rejected()
    {
        AssertSingleError(Source("idle-timeout = 5 parsecs"), "actornet.sources.sensors.idle-timeout", "5 parsecs", "such as 250ms");
    }

    [Fact]
    public void A_bad_shutdown_timeout_is_rejected()
    {
        AssertSingleError("actornet.shutdown-timeout = soon" + ASource, "actornet.shutdown-timeout", "soon", "a duration");
    }

    [Fact]
    public void The_fd_reserve_keeps_256_descriptors_by_default_and_rejects_one_too_small_to_keep_the_runtime_alive()
    {
        Assert.Equal(256, ActorNetSettings.Parse(Source("")).FdReserve);
        Assert.Equal(1000, ActorNetSettings.Parse("actornet.fd-reserve = 1000\n" + Source("")).FdReserve);
        AssertSingleError("actornet.fd-reserve = 64\n" + Source(""), "actornet.fd-reserve", "64", "an integer from 128 to 1000000");
    }

    [Fact]
    public void A_size_that_is_not_a_size_is_rejected()
    {
        AssertSingleError(Source("framing.max-frame-length = lots"), "actornet.sources.sensors.framing.max-frame-length", "lots",
            "such as 512, 64 KiB or 4 MiB");
    }

    [Fact]
    public void An_unknown_framing_type_is_rejected()
    {
        AssertSingleError(Source("framing.type = xml"), "actornet.sources.sensors.framing.type", "xml",
            "delimiter, length-field, fixed, raw");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("7")]
    [InlineData("16")]
    public void A_length_field_length_other_than_1_2_3_4_or_8_is_rejected(string length)
    {
        AssertSingleError(Source($"framing {{ type = length-field, length-field-length = {length} }}"),
            "actornet.sources.sensors.framing.length-field-length", length, "");
    }

    [Fact]
    public void An_unknown_byte_order_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, byte-order = middle }"),
            "actornet.sources.sensors.framing.byte-order", "middle", "big-endian, little-endian");
    }

    [Fact]
    public void A_length_field_that_does_not_fit_max_frame_length_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, length-field-offset = 10, max-frame-length = 8 }"),
            "actornet.sources.sensors.framing.max-frame-length", "8", "14 header bytes");
    }

    [Fact]
    public void An_unknown_parser_is_rejected()
    {
        AssertSingleError(Source("parser = yaml"), "actornet.sources.sensors.parser", "yaml", "text, json, binary");
    }

    [Fact]
    public void Sinks_naming_an_undefined_sink_are_rejected()
    {
        AssertSingleError(Source("sinks = [ file, kafka-out ]"), "actornet.sources.sensors.sinks", "kafka-out", "file, rejects");
    }

    [Fact]
    public void An_empty_sink_list_is_rejected()
    {
        AssertSingleError(Source("sinks = []"), "actornet.sources.sensors.sinks", "[]", "at least one sink");
    }

    [Fact]
    public void A_quarantine_naming_an_undefined_sink_is_rejected()
    {
        AssertSingleError(Source("quarantine = dumpster"), "actornet.sources.sensors.quarantine", "dumpster", "file, rejects");
    }

    [Fact]
    public void An_unknown_sink_type_is_rejected()
    {
        AssertSingleError("""actornet.sinks.file { type = kafka, path = "x" }""" + ASource, "actornet.sinks.file.type", "kafka",
            "jsonl, sqlite, postgres, console, blackhole");
    }

    [Fact]
    public void A_jsonl_sink_without_a_path_is_rejected()
    {
        var error = SingleError("actornet.sinks.out.type = jsonl" + ASource);

        Assert.StartsWith("actornet.sinks.out.path:", error);
        Assert.Contains("missing", error);
    }

    [Fact]
    public void A_fixed_frame_length_larger_than_max_frame_length_is_rejected()
    {
        AssertSingleError(Source("framing { type = fixed, frame-length = 100, max-frame-length = 64 }"),
            "actornet.sources.sensors.framing.frame-length", "100", "at most max-frame-length (64 bytes)");
    }

    [Fact]
    public void Fixed_framing_without_a_frame_length_is_rejected()
    {
        AssertSingleError(Source("framing.type = fixed"), "actornet.sources.sensors.framing.frame-length", "0", "an integer from 1");
    }

    [Fact]
    public void Two_sources_on_the_same_host_and_port_are_rejected()
    {
        var error = SingleError("""
            actornet.sources {
              first  { port = 7000 }
              second { port = 7000 }
            }
            """);

        Assert.StartsWith("actornet.sources:", error);
        Assert.Contains("first", error);
        Assert.Contains("second", error);
        Assert.Contains("127.0.0.1:7000", error);
    }

    [Fact]
    public void Stripping_more_bytes_than_max_frame_length_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, max-frame-length = 8, initial-bytes-to-strip = 10 }"),
            "actornet.sources.sensors.framing.initial-bytes-to-strip", "10", "8");
    }

    [Fact]
    public void Stripping_one_byte_more_than_max_frame_length_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, max-frame-length = 8, initial-bytes-to-strip = 9 }"),
            "actornet.sources.sensors.framing.initial-bytes-to-strip", "9", "at most max-frame-length (8 bytes)");
    }

    [Fact]
    public void A_length_field_ending_one_byte_past_max_frame_length_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, length-field-offset = 5, length-field-length = 4, max-frame-length = 8 }"),
            "actornet.sources.sensors.framing.max-frame-length", "8", "at least the 9 header bytes");
    }

    [Fact]
    public void A_header_and_a_strip_that_both_exceed_max_frame_length_are_two_mistakes()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(Source(
            "framing { type = length-field, length-field-offset = 10, max-frame-length = 8, initial-bytes-to-strip = 20 }")));

        Assert.Equal(
            ["actornet.sources.sensors.framing.initial-bytes-to-strip", "actornet.sources.sensors.framing.max-frame-length"],
            ex.Errors.Select(e => e[..e.IndexOf(':')]).Order());
    }

    [Theory]
    [InlineData("length-field-offset = -1", "length-field-offset", "-1", "an integer from 0 to 1048576")]
    [InlineData("initial-bytes-to-strip = -1", "initial-bytes-to-strip", "-1", "an integer from 0 to 1048576, or auto")]
    [InlineData("initial-bytes-to-strip = all", "initial-bytes-to-strip", "all", "or auto")]
    [InlineData("initial-bytes-to-strip = [ 4 ]", "initial-bytes-to-strip", "[4]", "or auto")]
    [InlineData("length-adjustment = 2147483648", "length-adjustment", "2147483648", "an integer from -2147483648 to 2147483647")]
    [InlineData("max-frame-length = 0", "max-frame-length", "0", "a size from 1 byte to")]
    [InlineData("max-frame-length = lots", "max-frame-length", "lots", "a size from 1 byte to")]
    [InlineData("length-field-length = four", "length-field-length", "four", "one of 1, 2, 3, 4, 8")]
    public void A_bad_length_field_key_is_one_error_naming_it(string line, string key, string value, string expected)
    {
        // One error even where a placeholder for the bad value would also fail a check across keys.
        AssertSingleError(Source($"framing {{ type = length-field, {line} }}"), "actornet.sources.sensors.framing." + key, value, expected);
    }

    [Fact]
    public void A_bad_max_frame_length_with_fixed_framing_is_one_error()
    {
        AssertSingleError(Source("framing { type = fixed, frame-length = 4, max-frame-length = lots }"),
            "actornet.sources.sensors.framing.max-frame-length", "lots", "a size");
    }

    public sealed record LengthField(int Offset, int Length, string Strip, int Max)
    {
        public string Hocon => $"framing {{ type = length-field, length-field-offset = {Offset}, length-field-length = {Length}, " +
            $"initial-bytes-to-strip = {Strip}, max-frame-length = {Max} }}";

        public override string ToString() => Hocon;
    }

    // Everything LengthFieldFrameDecoder's constructor checks is checked at start-up: whatever Create accepts builds.
    [Property]
    public Property Every_length_field_framing_is_either_rejected_or_builds_its_decoder() =>
        Prop.ForAll(
            (from offset in Gen.Choose(-2, 12)
             from length in Gen.Choose(0, 9)
             from strip in Gen.OneOf(Gen.Constant("auto"), Gen.Choose(-2, 24).Select(n => n.ToString(CultureInfo.InvariantCulture)))
             from max in Gen.Choose(0, 24)
             select new LengthField(offset, length, strip, max)).ToArbitrary(),
            framing =>
            {
                SourceSettings source;
                try
                {
                    source = ParseSource(framing.Hocon);
                }
                catch (InvalidConfigurationException ex)
                {
                    Assert.All(ex.Errors, e => Assert.StartsWith("actornet.sources.sensors.framing.", e));
                    return;
                }
                Assert.NotNull(source.Framing.CreateDecoder());
                Assert.NotNull(source.Framing.CreateEncoder());
            });

    // Whatever the settings accept must be usable: a decoder that throws would fail every connection instead of the start-up.
    [Theory]
    [InlineData("framing { type = delimiter, delimiter = \"\\r\\n\", max-frame-length = 1 }")]
    [InlineData("framing { type = length-field, length-field-offset = 4, length-field-length = 4, max-frame-length = 8 }")]
    [InlineData("framing { type = length-field, length-field-length = 8, length-adjustment = -2147483648 }")]
    [InlineData("framing { type = length-field, max-frame-length = 8, initial-bytes-to-strip = 8 }")]
    [InlineData("framing { type = fixed, frame-length = 1, max-frame-length = 1 }")]
    [InlineData("framing { type = raw, max-frame-length = 1 }")]
    public void Every_framing_the_settings_accept_builds_its_decoder_and_encoder(string lines)
    {
        var framing = ParseSource(lines).Framing;

        Assert.NotNull(framing.CreateDecoder());
        Assert.NotNull(framing.CreateEncoder());
    }

    // Each entry of AllSinks is a slot that receives every batch, so a repeated name writes every record twice.
    // Rejecting the repeat or ignoring it both satisfy this.
    [Fact]
    public void A_sink_named_twice_is_not_fed_twice()
    {
        SourceSettings source;
        try
        {
            source = ParseSource("sinks = [ file, file ]");
        }
        catch (InvalidConfigurationException ex)
        {
            Assert.StartsWith("actornet.sources.sensors.sinks:", Assert.Single(ex.Errors));
            return;
        }
        Assert.Equal(source.AllSinks.Distinct(), source.AllSinks);
    }

    // A block given a scalar (or null) is a mistake to report like any other, not a crash.
    [Theory]
    [InlineData("actornet = 5", "actornet")]
    [InlineData("actornet.http = off" + ASource, "actornet.http")]
    [InlineData("actornet.shutdown-timeout = null" + ASource, "actornet.shutdown-timeout")]
    [InlineData("actornet.sources = []", "actornet.sources")]
    [InlineData("actornet.sources.sensors { port = 7000, framing = delimiter }", "actornet.sources.sensors.framing")]
    [InlineData("actornet.sources.sensors { port = 7000, framing = null }", "actornet.sources.sensors.framing")]
    [InlineData("actornet.sources.sensors { port = 7000, restart = 5 }", "actornet.sources.sensors.restart")]
    [InlineData("actornet.sources.sensors { port = null }", "actornet.sources.sensors.port")]
    [InlineData("actornet.sources.sensors { port = 7000, sinks = [ [ file ] ] }", "actornet.sources.sensors.sinks")]
    public void A_value_of_the_wrong_shape_is_reported_by_its_key(string hocon, string key)
    {
        var error = SingleError(hocon);

        Assert.StartsWith(key + ":", error);
        Assert.Contains("expected", error);
    }

    [Theory]
    [InlineData("actornet = 5", "actornet: \"5\" is not valid; expected a block such as { sources { sensors { port = 7000 } } }")]
    [InlineData("actornet.http = off" + ASource, "actornet.http: \"off\" is not valid; expected a block such as { enabled = on, host = 127.0.0.1, port = 8080 }")]
    [InlineData("actornet.sources = []", "actornet.sources: \"[]\" is not valid; expected a block of named entries such as { sensors { port = 7000 } }")]
    [InlineData("actornet.sinks.file = 5\nactornet.sources.sensors { port = 7000, sinks = [ rejects ] }", "actornet.sinks.file: \"5\" is not valid; expected a block such as { type = jsonl, path = \"data/frames.jsonl\" }")]
    [InlineData("actornet.sources.sensors = [ 7000 ]", "actornet.sources.sensors: \"[7000]\" is not valid; expected a block such as { type = tcp-listen, port = 7000 }")]
    [InlineData("actornet.source-defaults = null" + ASource, "actornet.source-defaults: \"null\" is not valid; expected a block such as { max-connections = 1000 }")]
    [InlineData("actornet.sink-defaults = 1s" + ASource, "actornet.sink-defaults: \"1s\" is not valid; expected a block such as { flush-interval = 1s }")]
    [InlineData("actornet.shutdown-timeout = null" + ASource, "actornet.shutdown-timeout: \"null\" is not valid; expected a duration from")]
    public void A_value_of_the_wrong_shape_is_reported_with_the_value_and_what_was_expected(string hocon, string expected)
    {
        Assert.StartsWith(expected, SingleError(hocon));
    }

    [Theory]
    [InlineData("framing = delimiter", "actornet.sources.sensors.framing: \"delimiter\" is not valid; expected a block such as { type = delimiter }")]
    [InlineData("framing = null", "actornet.sources.sensors.framing: \"null\" is not valid; expected a block such as { type = delimiter }")]
    [InlineData("restart = 5", "actornet.sources.sensors.restart: \"5\" is not valid; expected a block such as { max-restarts = 5, within = 1m, backoff = 100ms }")]
    [InlineData("port = [ 1, 2 ]", "actornet.sources.sensors.port: \"[1, 2]\" is not valid; expected an integer from 1 to 65535")]
    [InlineData("port = null", "actornet.sources.sensors.port: \"null\" is not valid; expected an integer from 1 to 65535")]
    [InlineData("parser = { a = 1 }", "actornet.sources.sensors.parser: \"{ a = 1 }\" is not valid; expected one of text, json, binary")]
    [InlineData("sinks = file", "actornet.sources.sensors.sinks: \"file\" is not valid; expected a list of sink names, such as [ file ]")]
    [InlineData("sinks = [ [ file ] ]", "actornet.sources.sensors.sinks: \"[[file]]\" is not valid; expected a list of sink names, such as [ file ]")]
    [InlineData("sinks = [ file, null ]", "actornet.sources.sensors.sinks: \"[file, null]\" is not valid; expected a list of sink names, such as [ file ]")]
    [InlineData("framing { delimiter = [ \"\\n\" ] }", "actornet.sources.sensors.framing.delimiter: \"[\\n]\" is not valid; expected a non-empty byte sequence")]
    public void A_source_key_of_the_wrong_shape_is_reported_with_the_value_and_what_was_expected(string line, string expected)
    {
        Assert.StartsWith(expected, SingleError(Source(line)));
    }

    [Fact]
    public void A_sink_named_twice_is_reported_by_name()
    {
        AssertSingleError(Source("sinks = [ file, rejects, file ]"), "actornet.sources.sensors.sinks", "file", "each sink named once");
    }

    [Fact]
    public void A_source_with_more_sinks_than_acknowledgement_slots_is_refused_at_start_up()
    {
        // Sinks acknowledge a batch with one bit per slot, 64 in all, the quarantine's included.
        var names = Enumerable.Range(0, 64).Select(i => $"s{i}").ToArray();
        var sinks = string.Join(Environment.NewLine, names.Select(n => $"actornet.sinks.{n}.type = blackhole"));
        AssertSingleError(sinks + Environment.NewLine + Source($"sinks = [ {string.Join(", ", names)} ]"),
            "actornet.sources.sensors.sinks", "[64 names]", "at most 63 sinks per source");

        var fits = string.Join(", ", names[..63]);
        var settings = ActorNetSettings.Parse(sinks + Environment.NewLine + Source($"sinks = [ {fits} ]"));
        Assert.Equal(64, settings.Sources.Single(s => s.Name == "sensors").AllSinks.Count);
    }

    [Fact]
    public void A_source_set_to_null_removes_the_source_the_embedded_default_defines()
    {
        var user = Akka.Configuration.ConfigurationFactory.ParseString("""
            actornet.sources.default = null
            actornet.sources.mine.port = 7001
            """);

        var settings = ActorNetSettings.Create(user.WithFallback(ActorNetSettings.EmbeddedDefault).WithFallback(ActorNetSettings.Reference));

        Assert.Equal(["mine"], settings.Sources.Select(s => s.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("actornet.http.enabled = on")]
    [InlineData("actornet.sources = null")]
    [InlineData("actornet.sources { }")]
    [InlineData("actornet.sources.sensors = null")]
    public void A_configuration_without_a_source_is_refused_naming_actornet_sources_and_what_was_expected(string hocon)
    {
        // With no source ActorNet would read nothing, and a drain at SIGTERM would have nothing to finish.
        Assert.Equal("actornet.sources: no source is defined; expected at least one, such as actornet.sources.sensors { port = 7000 } " +
            "(an include of a missing file is ignored unless written include required(file(\"...\")))", SingleError(hocon));
    }

    [Fact]
    public void Removing_the_only_source_of_the_embedded_default_leaves_no_source_and_is_refused()
    {
        var user = Akka.Configuration.ConfigurationFactory.ParseString("actornet.sources.default = null");

        var ex = Assert.Throws<InvalidConfigurationException>(() =>
            ActorNetSettings.Create(user.WithFallback(ActorNetSettings.EmbeddedDefault).WithFallback(ActorNetSettings.Reference)));

        Assert.StartsWith("actornet.sources: no source is defined", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Sources_of_the_wrong_shape_are_reported_once_not_also_as_missing()
    {
        Assert.StartsWith("actornet.sources.sensors: \"[7000]\" is not valid", SingleError("actornet.sources.sensors = [ 7000 ]"));
        Assert.StartsWith("actornet.sources: \"5\" is not valid", SingleError("actornet.sources = 5"));
    }

    [Fact]
    public void Sinks_that_are_not_a_block_and_no_source_are_two_mistakes_reported_together()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("actornet.sinks = 5"));

        Assert.Collection(ex.Errors,
            e => Assert.StartsWith("actornet.sinks: \"5\" is not valid; expected a block of named entries", e),
            e => Assert.StartsWith("actornet.sources: no source is defined", e));
    }

    [Fact]
    public void Sinks_set_to_null_removes_every_sink_reference_conf_defines()
    {
        // A source needs a sink, so this configuration cannot be valid (a sink defined after `sinks = null` would bring
        // reference.conf's back, as HOCON merges objects): what shows the removal is that the source finds no sink at all.
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("actornet.sinks = null" + ASource));

        Assert.Equal([
            "actornet.sources.sensors.sinks: \"file\" is not valid; expected names of sinks defined under actornet.sinks: ",
            "actornet.sources.sensors.quarantine: \"rejects\" is not valid; expected the name of a sink defined under actornet.sinks: ",
        ], ex.Errors);
    }

    [Theory]
    [InlineData("port = [ 1, 2 ]", "actornet.sources.sensors.port")]
    [InlineData("parser = { a = 1 }", "actornet.sources.sensors.parser")]
    [InlineData("sinks = file", "actornet.sources.sensors.sinks")]
    public void A_value_of_the_wrong_shape_is_reported_once(string line, string key)
    {
        Assert.StartsWith(key + ":", SingleError(Source(line)));
    }

    // ActorNetSettings.Items: "Entries set to null (`sources.default = null`) remove an inherited entry."
    [Fact]
    public void A_sink_set_to_null_removes_the_sink_reference_conf_defines()
    {
        var settings = ActorNetSettings.Parse("""
            actornet {
              sinks.file = null
              sinks.out { type = console }
              sources.sensors { port = 7000, sinks = [ out ] }
            }
            """);

        Assert.Equal(["out", "rejects", "store"], settings.Sinks.Keys.Order());
    }

    [Fact]
    public void The_http_block_is_read_with_loopback_defaults()
    {
        var settings = ActorNetSettings.Parse("actornet.http { enabled = on, port = 9191, admin-token = s3cret }" + ASource);

        Assert.Equal(new HttpSettings(true, "127.0.0.1", 9191, "s3cret"), settings.Http);
        Assert.True(settings.Http.RequiresToken);
        Assert.False(ActorNetSettings.Parse(ASource).Http.Enabled);
    }

    [Theory]
    [InlineData("actornet.http.host = \"not an address\"" + ASource, "actornet.http.host", "not an address", "IP address")]
    [InlineData("actornet.http.port = 70000" + ASource, "actornet.http.port", "70000", "65535")]
    [InlineData("actornet.http.enabled = maybe" + ASource, "actornet.http.enabled", "maybe", "on or off")]
    public void A_bad_http_value_is_rejected_naming_the_key(string hocon, string key, string value, string expected)
    {
        AssertSingleError(hocon, key, value, expected);
    }

    [Fact]
    public void Http_on_a_non_loopback_address_needs_an_admin_token()
    {
        AssertSingleError("actornet.http { enabled = on, host = 0.0.0.0 }" + ASource, "actornet.http.admin-token", "", "not a loopback address");
        Assert.Equal("t", ActorNetSettings.Parse("actornet.http { enabled = on, host = 0.0.0.0, admin-token = t }" + ASource).Http.AdminToken);
        Assert.True(ActorNetSettings.Parse("actornet.http { enabled = on, host = \"::1\" }" + ASource).Http.Enabled);
    }

    [Fact]
    public void Allowed_origins_are_none_by_default_and_read_in_the_form_browsers_send()
    {
        Assert.Empty(ActorNetSettings.Parse(ASource).Http.AllowedOrigins);
        // As check-config prints an empty list, and as people write one.
        Assert.Empty(ActorNetSettings.Parse("actornet.http.allowed-origins = [ ]" + ASource).Http.AllowedOrigins);
        Assert.Empty(ActorNetSettings.Parse("actornet.http.allowed-origins = [\n]" + ASource).Http.AllowedOrigins);

        var settings = ActorNetSettings.Parse("""
            actornet.http.allowed-origins = [ "https://actornet.example.com", "HTTPS://Dash.Example:443/", "http://x.example:80",
              "http://127.0.0.1:8443", "http://[::1]:9000", "https://bücher.example", "https://actornet.example.com:443" ]
            """ + ASource);

        Assert.Equal(["https://actornet.example.com", "https://dash.example", "http://x.example", "http://127.0.0.1:8443", "http://[::1]:9000",
            "https://xn--bcher-kva.example"], settings.Http.AllowedOrigins);
        Assert.Equal(ActorNetSettings.Parse("""actornet.http.allowed-origins = [ "https://dash.example" ]""" + ASource).Http,
            ActorNetSettings.Parse("""actornet.http.allowed-origins = [ "https://DASH.example:443" ]""" + ASource).Http);
    }

    [Theory]
    [InlineData("https://x.example/path")]
    [InlineData("https://x.example/.")]
    [InlineData("https://x.example?q=1")]
    [InlineData("https://x.example#top")]
    [InlineData("https://user@x.example")]
    [InlineData("ftp://x")]
    [InlineData("ws://x.example")]
    [InlineData("not a url")]
    [InlineData("x.example")]
    [InlineData("")]
    public void An_allowed_origin_that_is_not_an_http_origin_is_rejected_naming_the_key_and_value(string origin)
    {
        AssertSingleError($$"""actornet.http.allowed-origins = [ "https://ok.example", "{{origin}}" ]""" + ASource, "actornet.http.allowed-origins", origin,
            "an origin such as \"https://actornet.example.com\": http or https, a host and an optional port; no path, query or fragment");
    }

    [Fact]
    public void Allowed_origins_must_be_a_list()
    {
        AssertSingleError("""actornet.http.allowed-origins = "https://actornet.example.com" """ + ASource, "actornet.http.allowed-origins",
            "https://actornet.example.com", "a list of quoted origins");
    }

    [Theory]
    [InlineData("actornet.http.allowed-origins = [ https://actornet.example.com ]")]
    [InlineData("actornet.http.allowed-origins = [\n  https://actornet.example.com\n]")]
    public void An_unquoted_allowed_origin_is_a_hocon_syntax_error(string hocon)
    {
        // "//" starts a HOCON comment: what is left is an open list, or "https:", which HOCON does not take unquoted.
        var error = Assert.Single(Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon)).Errors);
        Assert.StartsWith("HOCON syntax error: ", error);
    }

    [Fact]
    public void Spool_and_ack_settings_are_read()
    {
        var settings = ActorNetSettings.Parse("""
            actornet.sinks.store { spool-dir = "data/spool", max-spool-size = 2 GiB, probe-interval = 1s }
            actornet.sources.sensors { port = 7000, sinks = [ store ], ack.enabled = on }
            """);

        var store = settings.Sinks["store"];
        Assert.Equal("data/spool", store.SpoolDir);
        Assert.True(store.HasSpool);
        Assert.Equal(2L << 30, store.MaxSpoolSize);
        Assert.Equal(TimeSpan.FromSeconds(1), store.ProbeInterval);
        Assert.True(settings.Sources.Single().Ack);
        Assert.False(settings.Sinks["rejects"].HasSpool);
    }

    [Theory]
    [InlineData("actornet.sources.sensors { port = 7000, ack.enabled = on, framing { type = fixed, frame-length = 16 } }", "actornet.sources.sensors.ack.enabled", "on", "fixed framing")]
    [InlineData("actornet.sources.sensors { port = 7000, ack.enabled = on, framing.type = raw }", "actornet.sources.sensors.ack.enabled", "on", "raw framing")]
    [InlineData("actornet.sources.sensors { port = 7000, ack.final-wait = forever }", "actornet.sources.sensors.ack.final-wait", "forever", "duration")]
    [InlineData("actornet.sinks.store.max-spool-size = 10" + ASource, "actornet.sinks.store.max-spool-size", "10", "size")]
    [InlineData("actornet.sources.sensors { port = 7000, ack.enabled = yes-please }", "actornet.sources.sensors.ack.enabled", "yes-please", "on or off")]
    public void A_bad_spool_or_ack_value_is_rejected_naming_the_key(string hocon, string key, string value, string expected)
    {
        AssertSingleError(hocon, key, value, expected);
    }

    [Theory]
    [InlineData("actornet.sources.sensors.port = 7000,,")]
    public void A_hocon_syntax_error_is_an_invalid_configuration(string hocon)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("HOCON syntax error:", error);
    }

    // A file cut short (an editor crash, a partial copy) must not start with half its sources.
    [Theory]
    [InlineData("actornet { sources { sensors { port = 7000 }")]
    [InlineData("actornet { sources { sensors { port = 7000 } } } }")]
    [InlineData("actornet.sources.sensors { port = 7000, sinks = [ file ] ] }")]
    public void Unbalanced_braces_are_a_hocon_syntax_error(string hocon)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon));

        Assert.StartsWith("HOCON syntax error:", Assert.Single(ex.Errors));
    }

    // Akka's parser loops forever on this input: the test gives up after a while, so that a regression fails it
    // instead of hanging the run.
    [Fact]
    public async Task A_list_left_open_inside_a_block_is_a_hocon_syntax_error()
    {
        var parsing = Task.Run(() => Assert.Throws<InvalidConfigurationException>(
            () => ActorNetSettings.Parse("actornet.sources.sensors { port = 7000, sinks = [ file }")));
        var ex = await parsing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(
            "HOCON syntax error: line 1, column 56: '}' cannot close the '[' opened at line 1, column 49; expected ']'",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_parser_that_does_not_return_in_time_is_reported_instead_of_waited_for()
    {
        var release = new ManualResetEventSlim();
        try
        {
            var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.ParseWithin("a = 1", _ =>
            {
                release.Wait();
                return Akka.Configuration.Config.Empty;
            }, TimeSpan.FromMilliseconds(50)));

            Assert.StartsWith("HOCON syntax error: the parser did not finish within 50ms", Assert.Single(ex.Errors));
        }
        finally
        {
            release.Set();
        }
    }

    [Theory]
    [InlineData("x = 1\na = ${ x }", "line 2, column 5: '${' is not followed by a path and '}'")]
    [InlineData("x = 1\na = ${? x}", "line 2, column 5: '${' is not followed by a path and '}'")]
    [InlineData("x = 1\na = ${\"x\"}", "line 2, column 5: '${' is not followed by a path and '}'")]
    [InlineData("x = 1\na = ${x y}", "line 2, column 5: '${' is not followed by a path and '}'")]
    [InlineData("a = ${a}", "a: ${a} refers to itself or to a block that contains it")]
    [InlineData("a { b = ${a} }", "a.b: ${a} refers to itself or to a block that contains it")]
    [InlineData("a { b = 1 }\na = ${a} { c = 2 }", "a: ${a} refers to itself or to a block that contains it")]
    [InlineData("a = [ ${a} ]", "a[0]: ${a} refers to itself or to a block that contains it")]
    public void A_substitution_akka_would_turn_into_a_value_containing_itself_is_a_hocon_syntax_error(string hocon, string expected)
    {
        // Unchecked, each of these overflows the stack on the first lookup, which kills the process.
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon));

        Assert.StartsWith("HOCON syntax error: " + expected, Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_substitution_of_another_key_still_works()
    {
        var source = Assert.Single(ActorNetSettings.Parse("""
            ports { sensors = 7100 }
            actornet.sources.sensors { port = ${ports.sensors} }
            """).Sources);

        Assert.Equal(7100, source.Port);
    }

    [Fact]
    public void Several_mistakes_are_reported_together_in_one_exception()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("""
            actornet {
              shutdown-timeout = 5 parsecs
              sources.sensors {
                port = 70000
                parser = yaml
                framing.type = xml
                max-conections = 1
              }
              sinks.file.type = kafka
            }
            """));

        string[] keys =
        [
            "actornet.shutdown-timeout", "actornet.sources.sensors.port", "actornet.sources.sensors.parser",
            "actornet.sources.sensors.framing.type", "actornet.sources.sensors.max-conections", "actornet.sinks.file.type",
        ];
        Assert.Equal(keys.Order(), ex.Errors.Select(e => e[..e.IndexOf(':')]).Order());
        foreach (var error in ex.Errors) Assert.Contains(error, ex.Message);
    }

    /// <summary>A valid source, for configurations that test something else: without one, ActorNet refuses to start.</summary>
    private const string ASource = "\nactornet.sources.sensors.port = 7000";

    [Theory]
    [InlineData("max-inflight-bytes = 1 MiB", 1024 * 1024)]
    [InlineData("max-inflight-bytes = 512KiB", 512 * 1024)]
    [InlineData("max-inflight-bytes = 100000", 100_000)]
    [InlineData("max-inflight-bytes = 2 GiB", 2L * 1024 * 1024 * 1024)]
    public void Max_inflight_bytes_takes_a_size_with_or_without_units(string line, long expected)
    {
        Assert.Equal(expected, ParseSource(line).MaxInflightBytes);
    }

    [Fact]
    public void Max_inflight_bytes_is_taken_from_source_defaults()
    {
        var settings = ActorNetSettings.Parse("actornet.source-defaults.max-inflight-bytes = 8 MiB\n" + Source(""));

        Assert.Equal(8 * 1024 * 1024, Assert.Single(settings.Sources).MaxInflightBytes);
    }

    [Theory]
    [InlineData("", "tcp-listen", 64 * 1024)]
    [InlineData("type = tcp-connect, host = 127.0.0.1", "tcp-connect", 64 * 1024)]
    [InlineData("type = udp", "udp", 256 * 1024)]
    [InlineData("read-buffer-size = 16 KiB", "tcp-listen", 16 * 1024)]
    [InlineData("type = udp, read-buffer-size = 16 KiB", "udp", 64 * 1024)]
    [InlineData("read-buffer-size = 1 MiB, max-inflight-bytes = auto", "tcp-listen", 1024 * 1024)]
    public void Max_inflight_bytes_auto_is_one_read_buffer_per_tcp_connection_and_four_per_udp_source(string lines, string type, long expected)
    {
        var source = ParseSource(lines);

        Assert.Equal(type, source.Type switch
        {
            SourceType.TcpListen => "tcp-listen",
            SourceType.TcpConnect => "tcp-connect",
            SourceType.Udp => "udp",
            _ => source.Type.ToString(),
        });
        Assert.Equal(expected, source.MaxInflightBytes);
    }

    [Fact]
    public void Max_inflight_bytes_auto_in_source_defaults_gives_each_source_its_own_by_type()
    {
        var settings = ActorNetSettings.Parse("""
            actornet.source-defaults.max-inflight-bytes = auto
            actornet.sources.peers { port = 7000 }
            actornet.sources.datagrams { type = udp, port = 7001 }
            """);

        Assert.Equal(64 * 1024, settings.Sources.Single(s => s.Name == "peers").MaxInflightBytes);
        Assert.Equal(256 * 1024, settings.Sources.Single(s => s.Name == "datagrams").MaxInflightBytes);
    }

    [Fact]
    public void Max_inflight_bytes_refusal_says_auto_is_allowed()
    {
        AssertSingleError(Source("max-inflight-bytes = automatic"), "actornet.sources.sensors.max-inflight-bytes", "automatic",
            "or auto (one read-buffer-size per tcp-listen or tcp-connect connection, four for a udp or file source)");
    }

    [Theory]
    [InlineData("max-inflight-bytes = 0", "0")]
    [InlineData("max-inflight-bytes = -1 KiB", "-1 KiB")]
    [InlineData("max-inflight-bytes = lots", "lots")]
    [InlineData("max-inflight-bytes = 256 KB/s", "256 KB/s")]
    public void Max_inflight_bytes_that_is_not_a_size_is_refused_naming_key_and_value(string line, string value)
    {
        AssertSingleError(Source(line), "actornet.sources.sensors.max-inflight-bytes", value, "a size from 512 bytes to 1 TiB");
    }

    [Fact]
    public void Max_inflight_bytes_smaller_than_one_read_buffer_is_refused_since_no_read_would_fit()
    {
        AssertSingleError(Source("max-inflight-bytes = 32 KiB, read-buffer-size = 64 KiB"),
            "actornet.sources.sensors.max-inflight-bytes", "32 KiB", "at least read-buffer-size (64 KiB)");
    }

    [Fact]
    public void Max_inflight_bytes_equal_to_one_read_buffer_is_accepted()
    {
        var source = ParseSource("max-inflight-bytes = 64 KiB, read-buffer-size = 64 KiB");

        Assert.Equal(source.ReadBufferSize, source.MaxInflightBytes);
    }

    [Fact]
    public void Max_buffered_bytes_defaults_to_256_MiB()
    {
        Assert.Equal(256L * 1024 * 1024, ActorNetSettings.Parse(Source("")).MaxBufferedBytes);
    }

    [Theory]
    [InlineData("actornet.max-buffered-bytes = 1 GiB", 1024L * 1024 * 1024)]
    [InlineData("actornet.max-buffered-bytes = 64KiB", 64 * 1024)]
    [InlineData("actornet.max-buffered-bytes = 100000", 100_000)]
    [InlineData("actornet.max-buffered-bytes = 2 GB", 2_000_000_000)]
    public void Max_buffered_bytes_takes_a_size_with_or_without_units(string line, long expected)
    {
        Assert.Equal(expected, ActorNetSettings.Parse(line + "\n" + Source("read-buffer-size = 4 KiB")).MaxBufferedBytes);
    }

    [Theory]
    [InlineData("actornet.max-buffered-bytes = 0", "0")]
    [InlineData("actornet.max-buffered-bytes = -1 MiB", "-1 MiB")]
    [InlineData("actornet.max-buffered-bytes = plenty", "plenty")]
    [InlineData("actornet.max-buffered-bytes = 256 MB/s", "256 MB/s")]
    public void Max_buffered_bytes_that_is_not_a_size_is_refused_naming_key_and_value(string line, string value)
    {
        AssertSingleError(line + ASource, "actornet.max-buffered-bytes", value, "a size from 512 bytes to 1 PiB");
    }

    [Fact]
    public void Max_buffered_bytes_smaller_than_the_largest_read_buffer_is_refused_naming_that_source()
    {
        var config = "actornet.max-buffered-bytes = 96 KiB\n" + Source("read-buffer-size = 64 KiB") + """

            actornet.sources.wide { port = 7001, read-buffer-size = 128 KiB, max-inflight-bytes = 1 MiB }
            """;

        AssertSingleError(config, "actornet.max-buffered-bytes", "96 KiB", "at least the largest read-buffer-size (128 KiB, source wide)");
    }

    [Fact]
    public void Max_buffered_bytes_equal_to_one_read_buffer_is_accepted()
    {
        var settings = ActorNetSettings.Parse("actornet.max-buffered-bytes = 64 KiB\n" + Source("read-buffer-size = 64 KiB"));

        Assert.Equal(64 * 1024, settings.MaxBufferedBytes);
    }

    [Fact]
    public void Max_buffered_bytes_belongs_to_the_actornet_block_not_to_a_source()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(Source("max-buffered-bytes = 1 MiB")));

        Assert.Contains("actornet.sources.sensors.max-buffered-bytes", error.Message);
    }

    [Fact]
    public void A_file_source_needs_no_port_and_reads_its_keys()
    {
        var source = Assert.Single(ActorNetSettings.Parse("""
            actornet.sources.vendor {
              type = file
              path = "/var/log/vendor/*.log"
              start-at = end
              poll-interval = 50ms
              checkpoint-dir = "/var/lib/actornet/checkpoints"
            }
            """).Sources);

        Assert.Equal(SourceType.File, source.Type);
        Assert.Equal(new FileSourceSettings("/var/log/vendor/*.log", FileStartAt.End, TimeSpan.FromMilliseconds(50),
            "/var/lib/actornet/checkpoints/vendor.checkpoint"), source.File);
    }

    [Fact]
    public void A_file_source_defaults_to_the_beginning_and_a_checkpoint_under_data() =>
        Assert.Equal(new FileSourceSettings("app.log", FileStartAt.Beginning, TimeSpan.FromMilliseconds(250), "data/checkpoints/sensors.checkpoint"),
            ParseSource("type = file, path = app.log").File);

    [Fact]
    public void A_tcp_source_has_no_file_settings() => Assert.Null(ParseSource("").File);

    [Fact]
    public void A_file_source_without_a_path_is_refused() =>
        AssertSingleError(Source("type = file"), "actornet.sources.sensors.path", "", "a file or a glob");

    [Fact]
    public void A_glob_in_a_file_source_directory_is_refused() =>
        AssertSingleError(Source("type = file, path = \"/var/*/app.log\""), "actornet.sources.sensors.path", "/var/*/app.log", "file name only");

    [Fact]
    public void An_unknown_start_at_is_refused() =>
        AssertSingleError(Source("type = file, path = a.log, start-at = middle"), "actornet.sources.sensors.start-at", "middle", "beginning, end");

    [Fact]
    public void A_poll_interval_below_10ms_is_refused() =>
        AssertSingleError(Source("type = file, path = a.log, poll-interval = 1ms"), "actornet.sources.sensors.poll-interval", "1ms", "a duration from 10ms");

    [Fact]
    public void An_empty_checkpoint_dir_is_refused() =>
        AssertSingleError(Source("type = file, path = a.log, checkpoint-dir = \"\""), "actornet.sources.sensors.checkpoint-dir", "", "a directory");

    [Fact]
    public void A_file_source_that_would_write_to_its_peer_is_refused() =>
        AssertSingleError(Source("type = file, path = a.log, reply = echo"), "actornet.sources.sensors.reply", "echo", "no peer to write to");

    private static SourceSettings ParseSource(string lines) => Assert.Single(ActorNetSettings.Parse(Source(lines)).Sources);

    /// <summary>A valid source named sensors on port 7000, with <paramref name="lines"/> overriding its keys.</summary>
    private static string Source(string lines) => $$"""
        actornet.sources.sensors {
          port = 7000
          {{lines}}
        }
        """;

    private static string SingleError(string hocon)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon));
        Assert.True(ex.Errors.Count == 1, "expected one error, got:" + Environment.NewLine + string.Join(Environment.NewLine, ex.Errors));
        return ex.Errors[0];
    }

    private static void AssertSingleError(string hocon, string key, string value, string expected)
    {
        var error = SingleError(hocon);
        Assert.StartsWith(key + ":", error);
        Assert.Contains($"\"{value}\"", error);
        Assert.Contains("expected", error);
        Assert.Contains(expected, error);
    }
}
