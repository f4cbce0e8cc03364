using ActorNet.Parsing;
using ActorNet.Sinks;
using ActorNet.Sinks.Postgres;
using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>The sink's table name and payload column rules, which need no server.</summary>
public sealed class PostgresTableSpec
{
    [Theory]
    [InlineData("frames")]
    [InlineData("Frames_2026")]
    [InlineData("_quarantine")]
    [InlineData("order")]
    public void Takes_a_name_of_letters_digits_and_underscores(string name)
    {
        Assert.Null(PostgresTable.Problem(name));
        Assert.Equal($"\"{name}\"", new PostgresTable(name).Quoted);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("2frames", "starts with a digit")]
    [InlineData("frames; DROP TABLE frames", "contains ';'")]
    [InlineData("public.frames", "contains '.'")]
    [InlineData("fr\"ames", "contains '\"'")]
    [InlineData("a_table_name_that_is_far_too_long_for_its_index_name", "is 52 characters long; expected at most 49")]
    public void Refuses_any_other_name_saying_why(string name, string problem)
    {
        Assert.StartsWith(problem, PostgresTable.Problem(name));
        var failure = Assert.Throws<ArgumentException>(() => new PostgresSink("Host=127.0.0.1", name));
        Assert.Contains(problem, failure.Message);
    }

    [Fact]
    public void Refuses_a_malformed_connection_string()
    {
        Assert.Throws<ArgumentException>(() => new PostgresSink("Hots=127.0.0.1", "frames"));
    }

    [Theory]
    [InlineData(PayloadFormat.Json, "jsonb")]
    [InlineData(PayloadFormat.Text, "text")]
    [InlineData(PayloadFormat.Binary, "text")]
    public void A_column_made_for_a_format_takes_that_format_only(PayloadFormat format, string type)
    {
        var made = PayloadColumn.For(format);
        var read = PayloadColumn.Read(made.Type, made.Comment);

        Assert.Equal(type, read.Type);
        Assert.Equal(format, read.Format);
        foreach (var other in Enum.GetValues<PayloadFormat>())
            Assert.Equal(other == format, read.Mismatch(other, "frames") is null);
    }

    [Fact]
    public void A_text_column_made_by_hand_takes_text_and_binary_but_not_json()
    {
        var column = PayloadColumn.Read("text", comment: null);

        Assert.Null(column.Mismatch(PayloadFormat.Text, "frames"));
        Assert.Null(column.Mismatch(PayloadFormat.Binary, "frames"));
        Assert.Contains("holds text or binary payloads (payload text), but this batch has json payloads", column.Mismatch(PayloadFormat.Json, "frames"));
    }

    [Fact]
    public void A_payload_column_of_another_type_takes_nothing()
    {
        Assert.Contains("has a payload column of type bytea; expected jsonb (json payloads) or text", PayloadColumn.Read("bytea", null).Mismatch(PayloadFormat.Binary, "frames"));
    }
}
