using System.Diagnostics;
using Xunit;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// A small tmpfs the test mounts on a fresh directory, so that a disk can really fill up or turn read-only under
/// ActorNet. Mounting needs root (CAP_SYS_ADMIN): <see cref="SkipReason"/> says why it cannot be had elsewhere.
/// </summary>
public sealed class ScratchFilesystem : IDisposable
{
    private static readonly Lazy<string?> CannotMount = new(Probe);

    private ScratchFilesystem(string path) => Path = path;

    /// <summary>Null where a tmpfs can be mounted; otherwise why not.</summary>
    public static string? SkipReason => CannotMount.Value;

    public string Path { get; }

    /// <summary>A path inside the filesystem, with forward slashes so that it can be pasted into HOCON as is.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name).Replace('\\', '/');

    public static ScratchFilesystem Mount(long bytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actornet-fs-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        var error = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        if (error is not null)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"could not mount a tmpfs on {path}: {error}");
        }
        return new ScratchFilesystem(path);
    }

    /// <summary>Remounts read-only (fails, as the kernel does, while a file on it is open for writing).</summary>
    public void MakeReadOnly() => Remount("ro");

    public void MakeWritable() => Remount("rw");

    public void Dispose()
    {
        // Lazy: a process that outlived its test may still hold a file on it.
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
        }
    }

    private void Remount(string mode)
    {
        if (Run("mount", "-o", $"remount,{mode}", Path) is { } error)
            throw new InvalidOperationException($"could not remount {Path} {mode}: {error}");
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "a tmpfs needs Linux";
        if (Environment.UserName != "root") return "mounting a tmpfs needs root (the test fills a real filesystem)";
        try
        {
            using var probe = Mount(64 * 1024);
            return null;
        }
        catch (Exception e)
        {
            return $"cannot mount a tmpfs here: {e.Message}";
        }
    }

    /// <summary>Runs a command to its end; null on success, else its exit code and stderr.</summary>
    private static string? Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{program} exited with {process.ExitCode}: {stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{program}: {e.Message}";
        }
    }
}

/// <summary>A test that mounts a <see cref="ScratchFilesystem"/>: skipped, with the reason, where that needs what the machine lacks.</summary>
public sealed class ScratchFilesystemFactAttribute : FactAttribute
{
    public ScratchFilesystemFactAttribute()
    {
        if (ScratchFilesystem.SkipReason is { } reason) Skip = reason;
    }
}
