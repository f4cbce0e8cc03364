namespace ActorNet.Configuration;

/// <summary>
/// A source's <c>record</c> block: every read, write, open and close of its connections written as it came to
/// rolling files under <see cref="Dir"/>/&lt;source&gt;/ (see reference.conf and Recording/RecordingFormat.cs).
/// </summary>
/// <param name="MaxSize">The most the source's recording directory may hold; the oldest files are deleted past it.</param>
/// <param name="MaxAge">Files older than this are deleted; null = kept until max-size needs their room.</param>
/// <param name="FileSize">A file is closed and the next one started once it reaches this size (auto: max-size / 16, from 4 KiB to 64 MiB).</param>
/// <param name="Buffer">Bytes waiting for the writer; past it new records are dropped and counted, never waited for.</param>
public sealed record RecordSettings(bool Enabled, string Dir, long MaxSize, TimeSpan? MaxAge, long FileSize, long Buffer)
{
    /// <summary>
    /// when-behind: wait = a TCP connection whose recorder is half its buffer behind reads again only once it caught up
    /// (the disk sets the pace; the recording stays complete while the writer makes progress); drop = it never waits, and
    /// what does not fit in the buffer is dropped.
    /// </summary>
    public bool WaitWhenBehind { get; init; } = true;

    public static readonly RecordSettings Off = new(false, "data/recordings", 1L << 30, TimeSpan.FromDays(7), 64L << 20, 16L << 20);

    internal static RecordSettings Read(ConfigSection r)
    {
        var settings = new RecordSettings(
            r.Bool("enabled"),
            r.String("dir", "a directory for the recording files, such as data/recordings"),
            r.LongSize("max-size", 64 * 1024, 1L << 50),
            r.Duration("max-age", TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650), allowOff: true),
            0,
            r.LongSize("buffer", 64 * 1024, 1L << 34));
        settings = settings with
        {
            WaitWhenBehind = r.Choice("when-behind", new Dictionary<string, bool> { ["wait"] = true, ["drop"] = false }),
        };
        // auto: a sixteenth of max-size (so pruning deletes a sixteenth at a time), from 4 KiB to 64 MiB.
        settings = settings with
        {
            FileSize = r.Text("file-size", "auto or a size") == "auto"
                ? Math.Clamp(settings.MaxSize / 16, 4 * 1024, 64L << 20)
                : r.LongSize("file-size", 4 * 1024, 1L << 40),
        };
        if (r.Valid("file-size", "max-size") && settings.FileSize > settings.MaxSize)
            r.Error("file-size", HoconUnits.Size(settings.FileSize), $"at most max-size ({HoconUnits.Size(settings.MaxSize)})");
        return settings;
    }
}
