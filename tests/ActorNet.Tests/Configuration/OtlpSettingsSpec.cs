using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class OtlpSettingsSpec
{
    private static ActorNetSettings Parse(string otlp) => ActorNetSettings.Parse($$"""
        actornet {
          sources.sensors { port = 7000 }
          otlp { {{otlp}} }
        }
        """);

    private static string SingleError(string otlp) =>
        Assert.Single(Assert.Throws<InvalidConfigurationException>(() => Parse(otlp)).Errors);

    [Fact]
    public void Is_off_by_default_with_http_protobuf_every_ten_seconds()
    {
        var otlp = Parse("").Otlp;

        Assert.False(otlp.Enabled);
        Assert.Null(otlp.ExportAddress);
        Assert.Equal(OtlpProtocol.HttpProtobuf, otlp.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(10), otlp.Interval);
        Assert.Equal("", otlp.Headers);
    }

    [Fact]
    public void An_http_protobuf_endpoint_without_a_path_gets_the_metrics_path_as_collectors_expect()
    {
        var otlp = Parse("endpoint = \"http://127.0.0.1:4318\", interval = 250ms").Otlp;

        Assert.True(otlp.Enabled);
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/metrics"), otlp.ExportAddress);
        Assert.Equal(TimeSpan.FromMilliseconds(250), otlp.Interval);
    }

    [Fact]
    public void An_endpoint_with_a_path_is_used_as_written()
    {
        var otlp = Parse("endpoint = \"https://otlp.example.com/otlp/v1/metrics\"").Otlp;

        Assert.Equal(new Uri("https://otlp.example.com/otlp/v1/metrics"), otlp.ExportAddress);
    }

    [Fact]
    public void Grpc_is_read_unquoted_and_its_endpoint_is_kept()
    {
        var otlp = Parse("endpoint = \"http://127.0.0.1:4317\", protocol = grpc, headers = \"api-key=secret,x-tenant=a\"").Otlp;

        Assert.Equal(OtlpProtocol.Grpc, otlp.Protocol);
        Assert.Equal(new Uri("http://127.0.0.1:4317"), otlp.ExportAddress);
        Assert.Equal("api-key=secret,x-tenant=a", otlp.Headers);
    }

    [Fact]
    public void Http_protobuf_is_read_unquoted()
    {
        Assert.Equal(OtlpProtocol.HttpProtobuf, Parse("protocol = http/protobuf").Otlp.Protocol);
    }

    [Theory]
    [InlineData("localhost:4318")]
    [InlineData("ftp://127.0.0.1:4318")]
    [InlineData("http://user:pw@127.0.0.1:4318")]
    [InlineData("http://127.0.0.1:4318/?a=b")]
    public void An_endpoint_that_is_not_an_http_address_is_refused_naming_key_and_value(string endpoint)
    {
        var error = SingleError($"endpoint = \"{endpoint}\"");

        Assert.StartsWith($"actornet.otlp.endpoint: \"{endpoint}\" is not valid; expected an http or https address", error);
    }

    [Fact]
    public void An_unknown_protocol_is_refused_with_the_choices()
    {
        Assert.Equal("actornet.otlp.protocol: \"http/json\" is not valid; expected one of http/protobuf, grpc",
            SingleError("protocol = \"http/json\""));
    }

    [Fact]
    public void An_interval_out_of_range_is_refused()
    {
        Assert.StartsWith("actornet.otlp.interval: \"10ms\" is not valid; expected a duration", SingleError("interval = 10ms"));
    }

    [Fact]
    public void Malformed_headers_are_refused_without_echoing_the_secret()
    {
        var error = SingleError("headers = \"Bearer s3cr3t\"");

        Assert.StartsWith("actornet.otlp.headers: is not valid; expected \"name=value,name=value\"", error);
        Assert.DoesNotContain("s3cr3t", error);
    }

    [Fact]
    public void An_unknown_key_in_the_block_is_refused()
    {
        Assert.StartsWith("actornet.otlp.endpoints: unknown key", SingleError("endpoints = \"http://127.0.0.1:4318\""));
    }
}
