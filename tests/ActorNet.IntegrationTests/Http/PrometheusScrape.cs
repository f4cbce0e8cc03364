using System.Globalization;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Http;

/// <summary>One sample line of a Prometheus text exposition: <c>name{label="value",...} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A /metrics answer parsed the way a Prometheus server reads it, so that tests assert on series rather than on
/// substrings: the samples, and the <c># TYPE</c> of each family.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Text = text;
        Samples = samples;
        Types = types;
    }

    public string Text { get; }
    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Family name to its type (counter, gauge, histogram).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>
    /// Scrapes <c>/metrics</c> through <paramref name="http"/> until <paramref name="accept"/> holds (an endpoint not
    /// listening yet counts as not yet); fails past <paramref name="within"/> with the last scrape and <paramref name="more"/>.
    /// </summary>
    public static async Task<PrometheusScrape> PollAsync(HttpClient http, Func<PrometheusScrape, bool> accept, string awaited, TimeSpan within,
        Func<string>? more = null)
    {
        PrometheusScrape? last = null;
        await Support.Eventually.TrueAsync(() =>
        {
            try
            {
                last = Parse(http.GetStringAsync("/metrics").GetAwaiter().GetResult());
            }
            catch (HttpRequestException)
            {
                return false;
            }
            return accept(last);
        }, within, () => $"{awaited}; scraped:\n{last?.Text}{(more is null ? "" : "\n" + more())}");
        return last!;
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            samples.Add(ParseSample(line));
        }
        return new PrometheusScrape(text, samples, types);
    }

    /// <summary>The value of the one series named <paramref name="name"/> whose labels are exactly <paramref name="labels"/>; null when absent.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Name == name && s.Labels.Count == labels.Length
            && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToArray();
        return matches.Length switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new XunitException($"{matches.Length} series {name} with labels {string.Join(",", labels)}"),
        };
    }

    /// <summary>The samples with <paramref name="label"/> = <paramref name="value"/> (the series of one source or sink).</summary>
    public IEnumerable<PrometheusSample> WithLabel(string label, string value) =>
        Samples.Where(s => s.Labels.TryGetValue(label, out var v) && v == value);

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{');
        var space = line.LastIndexOf(' ');
        string name;
        if (brace < 0 || brace > space)
        {
            name = line[..space];
        }
        else
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var key = line[i..equals];
                i = equals + 2; // past ="
                var value = new System.Text.StringBuilder();
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }
                labels[key] = value.ToString();
                i++; // past the closing quote
                if (line[i] == ',') i++;
            }
        }
        var number = line[(space + 1)..];
        var parsed = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, parsed);
    }
}
