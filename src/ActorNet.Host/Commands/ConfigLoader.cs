using ActorNet.Configuration;
using Akka.Configuration;

namespace ActorNet.Host.Commands;

/// <summary>Reads the user's file (its includes expanded) or the embedded default, overlaid on reference.conf.</summary>
public static class ConfigLoader
{
    /// <exception cref="InvalidConfigurationException">The file, or one it requires, is missing, unreadable or not valid HOCON.</exception>
    public static Config Load(FileInfo? file) =>
        file is null ? ActorNetSettings.EmbeddedDefault.WithFallback(ActorNetSettings.Reference) : LoadFile(file).Effective;

    /// <summary>The file overlaid on reference.conf (<c>Effective</c>), and what the file alone defines (<c>File</c>).</summary>
    /// <exception cref="InvalidConfigurationException">The file, or one it requires, is missing, unreadable or not valid HOCON.</exception>
    public static (Config Effective, Config File) LoadFile(FileInfo file)
    {
        if (!file.Exists) throw new InvalidConfigurationException([$"--config: \"{file.FullName}\" does not exist; expected a HOCON file"]);
        var own = ActorNetSettings.ParseFile(file.FullName);
        // The library accepts an akka block for applications that pass their ActorSystem's configuration along; this
        // host builds its ActorSystem's settings itself and would silently ignore one.
        if (own.HasPath("akka"))
        {
            throw new InvalidConfigurationException([
                "akka: the actornet host does not read Akka.NET settings from its configuration file; expected only actornet at the top level"]);
        }
        return (own.WithFallback(ActorNetSettings.Reference), own);
    }
}
