using System.CommandLine;
using System.CommandLine.Parsing;

namespace ActorNet.Host.Commands.Status;

/// <summary>
/// <c>actornet status [--url URL] [--token T]</c>: the sources and open connections of a running ActorNet, read
/// from its admin API, as two tables. Exit 0 when shown, 1 with one line on standard error when not.
/// </summary>
public static class StatusCommand
{
    /// <summary>Read when --token is not given, so that the token need not appear in the process list.</summary>
    public const string TokenVariable = "ACTORNET_ADMIN_TOKEN";

    internal const string DefaultUrl = "http://127.0.0.1:8080/";

    public static Command Create()
    {
        var url = UrlOption();
        var token = TokenOption();

        var command = new Command("status", "Show the sources and connections of a running ActorNet (through its admin API)");
        command.Options.Add(url);
        command.Options.Add(token);
        command.SetAction((result, cancellation) =>
            RunAsync(result.GetValue(url)!, TokenOf(result, token), Console.Out, Console.Error, cancellation));
        return command;
    }

    /// <summary><c>--url</c>, as every command that talks to a running ActorNet takes it (status, top, tap).</summary>
    public static Option<Uri> UrlOption() => new("--url", "-u")
    {
        Description = "Where ActorNet's HTTP endpoints listen (actornet.http.host and port)",
        HelpName = "URL",
        CustomParser = ParseUrl,
        DefaultValueFactory = _ => new Uri(DefaultUrl),
    };

    /// <summary><c>--token</c>; read it with <see cref="TokenOf"/>, which falls back to <see cref="TokenVariable"/>.</summary>
    public static Option<string?> TokenOption() => new("--token", "-t")
    {
        Description = $"The admin token (actornet.http.admin-token) [default: ${TokenVariable}]",
        HelpName = "TOKEN",
    };

    public static string? TokenOf(ParseResult result, Option<string?> token) =>
        result.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);

    /// <summary>Fetches both lists, then prints both tables (nothing is printed when either request fails).</summary>
    public static async Task<int> RunAsync(Uri url, string? token, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        using var client = new StatusClient(url, token);
        try
        {
            var sources = await client.SourcesAsync(cancellation);
            var connections = await client.ConnectionsAsync(cancellation);
            StatusTables.Write(output, sources, connections);
            return 0;
        }
        catch (StatusException e)
        {
            await error.WriteLineAsync($"actornet status: {e.Message}");
            return 1;
        }
    }

    internal static Uri ParseUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        // A trailing slash makes "api/sources" resolve below the given path rather than beside its last segment.
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return uri;
        result.AddError($"--url: \"{text}\" is not an http:// or https:// URL such as http://127.0.0.1:8080");
        return null!;
    }
}
