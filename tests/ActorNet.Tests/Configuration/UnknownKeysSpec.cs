using ActorNet.Configuration;
using Akka.Configuration.Hocon;
using Xunit;

namespace ActorNet.Tests.Configuration;

/// <summary>
/// An unknown key is rejected at every level, with every key that is valid there in the hint. The blocks are read
/// from reference.conf, so a block added there is covered without changing this test.
/// </summary>
public sealed class UnknownKeysSpec
{
    private const string ASource = "\nactornet.sources.sensors.port = 7000";

    /// <summary>Every block of reference.conf under actornet whose keys are fixed (not a block of named entries).</summary>
    public static TheoryData<string> ReferenceBlocks()
    {
        var blocks = new TheoryData<string>();
        void Walk(string path, HoconObject block)
        {
            if (block.Items.Count == 0 || path == "actornet.sinks") return;
            blocks.Add(path);
            foreach (var (key, value) in block.Items)
            {
                if (value.IsObject()) Walk($"{path}.{key}", value.GetObject());
            }
        }
        Walk("actornet", ActorNetSettings.Reference.GetValue("actornet").GetObject());
        return blocks;
    }

    [Theory]
    [MemberData(nameof(ReferenceBlocks))]
    public void A_typo_in_any_block_of_reference_conf_is_rejected_listing_every_valid_key_there(string block)
    {
        var keys = ActorNetSettings.Reference.GetValue(block).GetObject().Items.Keys.ToArray();

        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse($"{block}.no-such-key = 1" + ASource));

        var error = Assert.Single(ex.Errors, e => e.StartsWith($"{block}.no-such-key: unknown key; expected one of ", StringComparison.Ordinal));
        Assert.All(keys, key => Assert.Contains(key, error.Split(["expected one of "], StringSplitOptions.None)[1].Split(", ", StringSplitOptions.TrimEntries)
            .Select(k => k.Split(' ')[0])));
    }

    [Theory]
    [InlineData("framing")]
    [InlineData("reconnect")]
    [InlineData("heartbeat")]
    [InlineData("ack")]
    [InlineData("restart")]
    public void A_typo_in_a_block_of_a_source_is_rejected_listing_every_valid_key_there(string block)
    {
        var keys = ActorNetSettings.Reference.GetValue($"actornet.source-defaults.{block}").GetObject().Items.Keys;

        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse($"actornet.sources.sensors {{ port = 7000, {block}.no-such-key = 1 }}"));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith($"actornet.sources.sensors.{block}.no-such-key: unknown key; expected one of ", error);
        Assert.All(keys, key => Assert.Contains(key, error));
    }

    [Fact]
    public void The_hint_for_sourcs_lists_sources_and_sinks_too_and_suggests_sources()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("actornet.sourcs.sensors.port = 7000" + ASource));

        var error = Assert.Single(ex.Errors);
        var reference = ActorNetSettings.Reference.GetValue("actornet").GetObject().Items.Keys.Order(StringComparer.Ordinal);
        Assert.Equal($"actornet.sourcs: unknown key; expected one of {string.Join(", ", reference)} (did you mean sources?)", error);
        Assert.Contains("sources", error);
        Assert.Contains("sinks", error);
    }

    [Theory]
    [InlineData("actornt.http.enabled = on", "actornt", "actornet")]
    [InlineData("actornet-sources.sensors.port = 7001", "actornet-sources", null)]
    [InlineData("sources.sensors.port = 7001", "sources", null)]
    public void A_typo_at_the_top_level_is_rejected(string line, string key, string? suggestion)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(line + ASource));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith($"{key}: unknown key at the top level; expected one of actornet, akka", error);
        if (suggestion is not null) Assert.Contains($"(did you mean {suggestion}?)", error);
    }

    [Fact]
    public void An_akka_block_is_accepted_for_applications_that_pass_their_actor_system_configuration_along()
    {
        var settings = ActorNetSettings.Parse("akka.loglevel = DEBUG" + ASource);

        Assert.Single(settings.Sources);
    }

    [Fact]
    public void A_top_level_block_that_substitutions_refer_to_is_allowed_and_dropped()
    {
        var config = ActorNetSettings.ParseOverlay("""
            ports { sensors = 7100 }
            actornet.sources.sensors.port = ${ports.sensors}
            """);

        Assert.False(config.HasPath("ports"));
        Assert.Equal(7100, Assert.Single(ActorNetSettings.Create(config).Sources).Port);
    }

    [Fact]
    public void An_entry_of_a_block_that_is_empty_in_reference_conf_is_not_an_unknown_key()
    {
        // sources { } is empty in reference.conf: its entries are named by the user and checked as sources.
        var settings = ActorNetSettings.Parse("actornet.sources { a.port = 7001, b.port = 7002 }");

        Assert.Equal(["a", "b"], settings.Sources.Select(s => s.Name));
    }
}
