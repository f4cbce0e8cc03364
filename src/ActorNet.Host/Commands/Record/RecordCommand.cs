using System.CommandLine;
using ActorNet.Recording.Export;

namespace ActorNet.Host.Commands.Record;

/// <summary><c>actornet record export DIR --pcapng OUT</c>: a recording as a pcapng file for Wireshark and tshark.</summary>
public static class RecordCommand
{
    public static Command Create()
    {
        var record = new Command("record", "Work with recordings (a source's record block)");
        record.Subcommands.Add(Export());
        return record;
    }

    private static Command Export()
    {
        var dir = new Argument<DirectoryInfo>("DIR") { Description = "A recording directory (record.dir, or one source's directory under it)" };
        var pcapng = new Option<FileInfo>("--pcapng") { Description = "The pcapng file to write (link type 252, exported PDUs)", Required = true };
        var command = new Command("export", "Write a recording's reads and writes as a pcapng file, with addresses and ports");
        command.Arguments.Add(dir);
        command.Options.Add(pcapng);
        command.SetAction(result => Run(result.GetValue(dir)!, result.GetValue(pcapng)!));
        return command;
    }

    private static int Run(DirectoryInfo dir, FileInfo output)
    {
        if (!dir.Exists)
        {
            Console.Error.WriteLine($"DIR: \"{dir.FullName}\" does not exist; expected a recording directory");
            return 2;
        }
        var result = RecordingExport.ToPcapng(dir.FullName, output.FullName);
        foreach (var torn in result.TornTails)
            Console.Error.WriteLine($"torn tail: {torn.File} at byte {torn.Offset} ({torn.Reason}); exported up to the record before it");
        Console.Out.WriteLine($"wrote {result.Packets} packets to {output.FullName}");
        return 0;
    }
}
