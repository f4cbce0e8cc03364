using ActorNet.Configuration;
using ActorNet.Hosting.Reload;
using Xunit;

namespace ActorNet.Tests.Hosting;

/// <summary>What a reload starts, drains, restarts or leaves alone, worked out from two configurations without any actor.</summary>
public sealed class ConfigurationChangeSpec
{
    private static string Config(string sources, string sinks = "", string top = "") => $$"""
        actornet {
          {{top}}
          sources { {{sources}} }
          sinks {
            file    { type = jsonl, path = "data/frames.jsonl" }
            rejects { type = jsonl, path = "data/quarantine.jsonl" }
            other   { type = jsonl, path = "data/other.jsonl" }
            {{sinks}}
          }
        }
        """;

    // A newline, not a comma, after a block: Akka's parser does not take a comma there.
    private const string A = "a {\n port = 7001, sinks = [ file ], quarantine = rejects\n framing { type = delimiter, delimiter = \"\\r\\n\" }\n heartbeat { interval = 5s, payload = \"ping\" }\n}";
    private const string B = "b { port = 7002, sinks = [ file ], quarantine = rejects }";

    private static ConfigurationChange Between(string running, string next) =>
        ConfigurationChange.Between(ActorNetSettings.Parse(running), ActorNetSettings.Parse(next));

    [Fact]
    public void The_same_text_read_twice_changes_nothing_although_its_lists_and_byte_arrays_are_new_objects()
    {
        var change = Between(Config(A + "\n" + B), Config(A + "\n" + B));

        Assert.Equal(["a", "b"], change.Sources.Unchanged);
        Assert.Equal(["file", "rejects"], change.Sinks.Unchanged);
        Assert.Empty(change.Sources.Added.Concat(change.Sources.Removed).Concat(change.Sources.Restarted));
        Assert.Empty(change.Sinks.Added.Concat(change.Sinks.Removed).Concat(change.Sinks.Restarted));
        Assert.Empty(change.Rerouted);
        Assert.Empty(change.NeedsRestart);
        Assert.True(change.LeavesActorsAlone);
    }

    [Fact]
    public void A_changed_key_restarts_only_its_own_source()
    {
        var change = Between(Config(A + "\n" + B), Config(A + "\n" + B.Replace("port = 7002", "port = 7003")));

        Assert.Equal(["b"], change.Sources.Restarted);
        Assert.Equal(["a"], change.Sources.Unchanged);
        Assert.Equal(["file", "rejects"], change.Sinks.Unchanged);
        Assert.False(change.LeavesActorsAlone);
    }

    [Fact]
    public void Reviving_restarts_the_unchanged_sources_that_will_not_try_again_and_no_other()
    {
        var c = "c { port = 7004, sinks = [ file ], quarantine = rejects }";
        var change = Between(Config(A + "\n" + B + "\n" + c), Config(A + "\n" + B.Replace("port = 7002", "port = 7003") + "\n" + c))
            .Reviving(["a", "b", "gone"]);

        // b restarts for its changed key anyway; a restarts because it will not try again; c is left alone.
        Assert.Equal(["b", "a"], change.Sources.Restarted);
        Assert.Equal(["c"], change.Sources.Unchanged);
        Assert.Empty(change.Sources.Added.Concat(change.Sources.Removed));
        Assert.False(change.LeavesActorsAlone);
        Assert.Same(change, change.Reviving(["nothing", "here"]));
    }

    [Theory]
    [InlineData("delimiter = \"\\n\"")]
    [InlineData("max-frame-length = 1 KiB")]
    public void A_different_delimiter_or_frame_length_restarts_the_source(string framing)
    {
        var changed = A.Replace("delimiter = \"\\r\\n\"", framing);

        Assert.Equal(["a"], Between(Config(A), Config(changed)).Sources.Restarted);
    }

    [Fact]
    public void A_different_heartbeat_payload_or_source_default_restarts_the_source()
    {
        Assert.Equal(["a"], Between(Config(A), Config(A.Replace("\"ping\"", "\"pong\""))).Sources.Restarted);
        Assert.Equal(["a", "b"], Between(Config(A + "\n" + B), Config(A + "\n" + B, top: "source-defaults.max-connections = 5")).Sources.Restarted);
    }

    [Fact]
    public void Added_and_removed_sources_and_the_sinks_only_they_fed_are_added_and_removed()
    {
        const string C = "c { port = 7004, sinks = [ other ], quarantine = rejects }";

        var added = Between(Config(A), Config(A + "\n" + C));
        Assert.Equal(["c"], added.Sources.Added);
        Assert.Equal(["other"], added.Sinks.Added);
        Assert.Equal(["file", "rejects"], added.Sinks.Unchanged);

        var removed = Between(Config(A + "\n" + C), Config(A));
        Assert.Equal(["c"], removed.Sources.Removed);
        Assert.Equal(["other"], removed.Sinks.Removed);
        Assert.Equal(["a"], removed.Sources.Unchanged);
    }

    [Fact]
    public void A_sink_defined_but_fed_by_no_source_is_not_running_so_changing_it_changes_nothing()
    {
        var change = Between(Config(A), Config(A, sinks: "").Replace("data/other.jsonl", "data/elsewhere.jsonl"));

        Assert.True(change.LeavesActorsAlone);
        Assert.DoesNotContain("other", change.Sinks.Unchanged);
    }

    [Fact]
    public void A_changed_sink_is_restarted_and_the_unchanged_sources_feeding_it_are_rerouted_not_restarted()
    {
        var change = Between(Config(A + "\n" + B), Config(A + "\n" + B).Replace("data/frames.jsonl\" }", "data/frames.jsonl\", flush-interval = 2s }"));

        Assert.Equal(["file"], change.Sinks.Restarted);
        Assert.Equal(["rejects"], change.Sinks.Unchanged);
        Assert.Equal(["a", "b"], change.Sources.Unchanged);
        Assert.Equal(["a", "b"], change.Rerouted);
    }

    [Fact]
    public void A_source_whose_sink_list_changes_is_restarted_since_its_acknowledgement_slots_change()
    {
        var change = Between(Config(B), Config(B.Replace("sinks = [ file ]", "sinks = [ file, other ]")));

        Assert.Equal(["b"], change.Sources.Restarted);
        Assert.Equal(["other"], change.Sinks.Added);
        Assert.Empty(change.Rerouted);
    }

    [Fact]
    public void Keys_outside_sources_and_sinks_are_named_as_needing_a_restart_down_to_the_key_of_a_block()
    {
        var change = Between(Config(A),
            Config(A, top: "max-buffered-bytes = 64 MiB, fd-reserve = 300, shutdown-timeout = 3s\nhttp { port = 9999, admin-token = \"t\" }"));

        Assert.Equal(
            ["actornet.fd-reserve", "actornet.http.admin-token", "actornet.http.port", "actornet.max-buffered-bytes", "actornet.shutdown-timeout"],
            change.NeedsRestart.Order(StringComparer.Ordinal));
        Assert.True(change.LeavesActorsAlone);
    }

    [Fact]
    public void A_list_key_in_a_block_read_twice_is_not_a_change()
    {
        const string Origins = "http.allowed-origins = [ \"https://a.example\" ]";

        Assert.Empty(Between(Config(A, top: Origins), Config(A, top: Origins)).NeedsRestart);
        Assert.Equal(["actornet.http.allowed-origins"],
            Between(Config(A, top: Origins), Config(A, top: Origins.Replace("a.example", "b.example"))).NeedsRestart);
    }

    [Fact]
    public void A_new_listener_binds_after_the_drain_only_on_an_address_a_stopping_source_holds_now()
    {
        var running = ActorNetSettings.Parse(Config(A + "\n" + B));
        // b moves to a's port while a is removed; c takes a port nobody holds.
        var next = ActorNetSettings.Parse(Config(B.Replace("port = 7002", "port = 7001") + "\nc { port = 7005, sinks = [ file ], quarantine = rejects }"));
        var change = ConfigurationChange.Between(running, next);

        Assert.True(ConfigurationChange.BindsAfterDrain(running, change, next.Sources.Single(s => s.Name == "b")));
        Assert.False(ConfigurationChange.BindsAfterDrain(running, change, next.Sources.Single(s => s.Name == "c")));
    }
}
