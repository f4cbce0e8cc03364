using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;

namespace ActorNet.Host.Commands.Tools;

/// <summary>A <c>HOST:PORT</c> argument: a name or IPv4 address (<c>localhost:7000</c>), or an IPv6 address in brackets (<c>[::1]:7000</c>).</summary>
public readonly record struct HostPort(string Host, int Port)
{
    private const string Expected = "expected HOST:PORT such as 127.0.0.1:7000, localhost:7000 or [::1]:7000";

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public static bool TryParse(string text, out HostPort value, out string error)
    {
        value = default;
        error = "";
        string host, port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':' || !IPAddress.TryParse(text[1..close], out _))
            {
                error = $"\"{text}\" is not a bracketed IPv6 address and port; {Expected}";
                return false;
            }
            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"\"{text}\" has no port; {Expected}";
                return false;
            }
            host = text[..colon];
            port = text[(colon + 1)..];
            if (host.Contains(':'))
            {
                error = $"\"{text}\": an IPv6 address goes in brackets ([{host}]:{port}); {Expected}";
                return false;
            }
            if (host.Length == 0)
            {
                error = $"\"{text}\" has no host; {Expected}";
                return false;
            }
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            error = $"\"{text}\": the port must be a number from 1 to 65535; {Expected}";
            return false;
        }
        value = new HostPort(host, number);
        return true;
    }

    /// <summary>For <c>Argument&lt;HostPort&gt;.CustomParser</c>: a bad value is a parse error, reported like any other.</summary>
    public static HostPort Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (TryParse(text, out var value, out var error)) return value;
        result.AddError($"{result.Argument.Name}: {error}");
        return default;
    }
}
