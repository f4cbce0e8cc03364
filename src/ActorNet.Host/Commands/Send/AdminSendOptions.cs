using System.CommandLine;
using ActorNet.Host.Commands.Status;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Send;

/// <summary>
/// The options that make <c>send</c> write through a running ActorNet's admin API (<c>--connection ID</c> or
/// <c>--broadcast SOURCE</c>, with <c>--url</c> and <c>--token</c>) instead of connecting to HOST:PORT itself, and the
/// rules that keep the two modes apart.
/// </summary>
public sealed class AdminSendOptions
{
    private readonly Option<long?> _connection = new("--connection", "-c")
    {
        Description = "Send through ActorNet's admin API to this open connection (its id in actornet status), framed like its source's input",
        HelpName = "ID",
    };

    private readonly Option<string?> _broadcast = new("--broadcast", "-b")
    {
        Description = "Send through ActorNet's admin API to every open connection of this source, framed like its input",
        HelpName = "SOURCE",
    };

    // As actornet status takes it.
    private readonly Option<Uri> _url = new("--url", "-u")
    {
        Description = "Where ActorNet's HTTP endpoints listen (actornet.http.host and port), with --connection or --broadcast",
        HelpName = "URL",
        CustomParser = StatusCommand.ParseUrl,
        DefaultValueFactory = _ => new Uri(StatusCommand.DefaultUrl),
    };

    private readonly Option<string?> _token = new("--token", "-t")
    {
        Description = $"The admin token (actornet.http.admin-token) [default: ${StatusCommand.TokenVariable}]",
        HelpName = "TOKEN",
    };

    private AdminSendOptions()
    {
    }

    /// <summary>Adds the options to <c>send</c>, and validators that ask for exactly one of HOST:PORT, --connection and --broadcast.</summary>
    /// <param name="tcpOnly">Options that mean something only over TCP (framing, wait for replies).</param>
    public static AdminSendOptions AddTo(Command send, Argument<HostPort> target, params Option[] tcpOnly)
    {
        var options = new AdminSendOptions();
        send.Options.Add(options._connection);
        send.Options.Add(options._broadcast);
        send.Options.Add(options._url);
        send.Options.Add(options._token);
        send.Validators.Add(result =>
        {
            var tcp = result.GetResult(target) is { Tokens.Count: > 0 };
            var connection = result.GetResult(options._connection) is not null;
            var broadcast = result.GetResult(options._broadcast) is not null;
            if (connection && broadcast)
                result.AddError("--connection and --broadcast: give one (one connection, or every connection of a source)");
            else if (tcp && (connection || broadcast))
                result.AddError("HOST:PORT and --connection/--broadcast: give one (HOST:PORT connects over TCP; --connection and --broadcast go through ActorNet's admin API at --url)");
            else if (!tcp && !connection && !broadcast)
                result.AddError("give HOST:PORT to connect to a TCP server, or --connection ID or --broadcast SOURCE to send to ActorNet's peers through its admin API");

            if (tcp)
            {
                foreach (var option in new Option[] { options._url, options._token }.Where(o => result.GetResult(o) is { Implicit: false }))
                    result.AddError($"{option.Name}: goes with --connection or --broadcast (the admin API), not with HOST:PORT");
            }
            else if (connection || broadcast)
            {
                foreach (var option in tcpOnly.Where(o => result.GetResult(o) is { Implicit: false }))
                    result.AddError($"{option.Name}: goes with HOST:PORT only; through the admin API ActorNet frames like the source's input and no reply comes back");
            }
        });
        return options;
    }

    /// <summary>Where to send through the admin API; null when the command line asks for TCP (HOST:PORT).</summary>
    public AdminSendTarget? Target(ParseResult result)
    {
        var connection = result.GetValue(_connection);
        var source = result.GetValue(_broadcast);
        if (connection is null && source is null) return null;
        return new AdminSendTarget(result.GetValue(_url)!, result.GetValue(_token) ?? Environment.GetEnvironmentVariable(StatusCommand.TokenVariable),
            connection, connection is null ? source : null);
    }
}
