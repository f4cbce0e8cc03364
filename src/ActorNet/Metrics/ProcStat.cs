using System.Globalization;

namespace ActorNet.Metrics;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> (proc(5)) that the process series need, parsed from its bytes without
/// allocating. The second field, the command name in parentheses, may itself hold spaces and parentheses: fields are
/// counted from the last <c>)</c>.
/// </summary>
internal readonly record struct ProcStat(long UserTicks, long SystemTicks, long StartTicks, long VirtualBytes, long ResidentPages)
{
    // 1-based field numbers of proc(5); field 3 (state) is the first after the command name.
    private const int UserTimeField = 14;
    private const int SystemTimeField = 15;
    private const int StartTimeField = 22;
    private const int VirtualSizeField = 23;
    private const int ResidentSetField = 24;

    public static bool TryParse(ReadOnlySpan<byte> text, out ProcStat stat)
    {
        stat = default;
        var close = text.LastIndexOf((byte)')');
        if (close < 0) return false;

        long user = -1, system = -1, start = -1, virtualBytes = -1, resident = -1;
        var field = 3;
        var rest = text[(close + 1)..];
        while (field <= ResidentSetField)
        {
            rest = rest.TrimStart((byte)' ');
            if (rest.IsEmpty) return false;
            var end = rest.IndexOfAny((byte)' ', (byte)'\n');
            var token = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[end..];
            if (field is UserTimeField or SystemTimeField or StartTimeField or VirtualSizeField or ResidentSetField)
            {
                if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return false;
                switch (field)
                {
                    case UserTimeField: user = value; break;
                    case SystemTimeField: system = value; break;
                    case StartTimeField: start = value; break;
                    case VirtualSizeField: virtualBytes = value; break;
                    default: resident = value; break;
                }
            }

            field++;
        }

        stat = new ProcStat(user, system, start, virtualBytes, resident);
        return true;
    }
}
