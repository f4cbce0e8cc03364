using System.Diagnostics;

namespace ActorNet.Benchmarks.Common;

/// <summary>Starts this same program as a child (a load generator of its own), however this one was started.</summary>
public static class ThisProgram
{
    /// <summary>Sets the executable: the apphost, or <c>dotnet ActorNet.Benchmarks.dll</c>.</summary>
    public static void Set(ProcessStartInfo start)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable this process runs");
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ThisProgram).Assembly.Location);
        }
    }
}
