using System.Text;

namespace ActorNet.Http;

/// <summary>
/// In a cluster every node's <c>/metrics</c> carries a <c>node</c> label on each series (its Akka.Remote
/// <c>host:port</c>), so that series of several nodes stay apart in one Prometheus whatever its scrape configuration.
/// Added to the finished exposition rather than to every instrument: the process-wide meters and the exporter stay
/// as on a single node, where nothing is added.
/// </summary>
internal static class NodeLabel
{
    /// <summary><paramref name="exposition"/> (Prometheus text format) with <c>node="<paramref name="node"/>"</c> first in every sample's labels.</summary>
    public static string Add(string exposition, string node)
    {
        var label = $"node=\"{node.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        var output = new StringBuilder(exposition.Length + exposition.Length / 8);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                output.Append(line);
            }
            else
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var brace = line.IndexOf('{', StringComparison.Ordinal);
                if (brace >= 0 && (space < 0 || brace < space))
                    output.Append(line, 0, brace + 1).Append(label).Append(line[brace + 1] == '}' ? "" : ",").Append(line, brace + 1, line.Length - brace - 1);
                else if (space > 0)
                    output.Append(line, 0, space).Append('{').Append(label).Append('}').Append(line, space, line.Length - space);
                else
                    output.Append(line);
            }
            output.Append('\n');
        }
        // Split gives one more (empty) part after the last newline than there were lines.
        output.Length--;
        return output.ToString();
    }
}
