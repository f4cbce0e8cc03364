namespace ActorNet.Configuration;

/// <summary>Where a file source starts in a file it has no checkpoint for, found at start-up (start-at).</summary>
public enum FileStartAt
{
    Beginning,
    End,
}

/// <summary>
/// The keys of a <c>type = file</c> source (see reference.conf): the files it follows, where it starts, how often it
/// looks for new bytes and files, and where it keeps its checkpoint.
/// </summary>
/// <param name="Path">A file, or a glob in the file name's part (<c>*</c>, <c>?</c>): <c>/var/log/vendor/*.log</c>.</param>
/// <param name="CheckpointFile">The checkpoint of this source: <c>&lt;checkpoint-dir&gt;/&lt;source&gt;.checkpoint</c>.</param>
public sealed record FileSourceSettings(string Path, FileStartAt StartAt, TimeSpan PollInterval, string CheckpointFile)
{
    internal static FileSourceSettings? Read(string source, SourceType type, ConfigSection s)
    {
        var startAt = s.Choice("start-at", new Dictionary<string, FileStartAt> { ["beginning"] = FileStartAt.Beginning, ["end"] = FileStartAt.End });
        var poll = s.RequiredDuration("poll-interval", TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        var checkpointDir = s.Text("checkpoint-dir", "a directory for the sources' checkpoints, such as \"data/checkpoints\"") ?? "";
        if (type != SourceType.File) return null;
        var path = s.Text("path", "a file or a glob such as \"/var/log/vendor/*.log\"") ?? "";
        if (s.Valid("path") && Files.GlobPattern.Problem(path) is { } problem) s.Error("path", path, problem);
        if (s.Valid("checkpoint-dir") && checkpointDir.Length == 0) s.Error("checkpoint-dir", "", "a directory for the checkpoint of the source, such as \"data/checkpoints\"");
        return new FileSourceSettings(path, startAt, poll, System.IO.Path.Combine(checkpointDir, source + ".checkpoint"));
    }

    /// <summary>A file is read, never written: the keys that write to a peer are refused on a file source.</summary>
    internal static void RejectPeerWrites(SourceSettings source, ConfigSection s)
    {
        if (source.Type != SourceType.File) return;
        const string Why = "for a file source, which has no peer to write to";
        if (source.Reply != ReplyMode.None) s.Error("reply", "echo", "none " + Why);
        if (source.Ack) s.Error("ack.enabled", "on", "off " + Why + " (it checkpoints what the sinks committed instead)");
        if (source.Heartbeat is not null) s.Error("heartbeat.interval", HoconUnits.Duration(source.Heartbeat.Interval), "off " + Why);
        if (source.OnConnect is not null) s.Error("on-connect", System.Text.Encoding.UTF8.GetString(source.OnConnect), "off " + Why);
    }

    /// <summary>
    /// A file is its own recording: its bytes stay on disk, with their order, and replaying them is following a copy
    /// with start-at = beginning (file seqs also continue from the checkpoint, which a replay from seq 1 could not
    /// reproduce). So record is refused on a file source rather than writing every line twice.
    /// </summary>
    internal static void RejectRecording(SourceSettings source, ConfigSection record)
    {
        if (source.Type == SourceType.File && source.Record.Enabled)
            record.Error("enabled", "on", "off for a file source (the file is its own recording: to replay it, follow a copy with start-at = beginning)");
    }
}
