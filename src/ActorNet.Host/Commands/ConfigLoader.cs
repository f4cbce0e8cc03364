using ActorNet.Configuration;
using Akka.Configuration;

namespace ActorNet.Host.Commands;

/// <summary>Reads the user's file (its includes expanded) or the embedded default, overlaid on reference.conf.</summary>
public static class ConfigLoader
{
    /// <exception cref="InvalidConfigurationException">The file, or one it requires, is missing, unreadable or not valid HOCON.</exception>
    public static Config Load(FileInfo? file)
    {
        if (file is null) return ActorNetSettings.EmbeddedDefault.WithFallback(ActorNetSettings.Reference);
        if (!file.Exists) throw new InvalidConfigurationException([$"--config: \"{file.FullName}\" does not exist; expected a HOCON file"]);
        return ActorNetSettings.ParseOverlayFile(file.FullName);
    }
}
