using System.Globalization;

namespace DefectApi.Tabular.Schema;

/// <summary>Date order of a datetime column, decided once per column so that 03/04 means the same day in every row.</summary>
internal enum DateOrder { Iso, DayFirst, MonthFirst }

/// <summary>Parses ISO 8601 (yyyy-MM-dd[THH:mm[:ss[.fff]]][Z|±hh:mm]) and d/M/yyyy or M/d/yyyy with '/', '.' or '-'
/// and an optional time (with AM/PM).</summary>
internal static class DateTimeText
{
    public const int AllOrders = 0b111;

    /// <summary>Bit mask of the orders (1 &lt;&lt; (int)DateOrder) under which the text is a valid date.</summary>
    public static int OrdersParsing(ReadOnlySpan<char> raw)
    {
        int mask = 0;
        for (int order = 0; order < 3; order++)
            if (TryParse(raw, (DateOrder)order, out _)) mask |= 1 << order;
        return mask;
    }

    /// <summary>Picks one order from the surviving ones; when day and month first both fit every value, '/' dates
    /// are read month-first (US MES exports) and '.' or '-' dates day-first (European).</summary>
    public static DateOrder? Decide(int mask, char separator)
    {
        if ((mask & (1 << (int)DateOrder.Iso)) != 0) return DateOrder.Iso;
        bool day = (mask & (1 << (int)DateOrder.DayFirst)) != 0, month = (mask & (1 << (int)DateOrder.MonthFirst)) != 0;
        if (day && month) return separator == '/' ? DateOrder.MonthFirst : DateOrder.DayFirst;
        if (day) return DateOrder.DayFirst;
        if (month) return DateOrder.MonthFirst;
        return null;
    }

    public static char SeparatorOf(ReadOnlySpan<char> raw)
    {
        int i = raw.IndexOfAny('/', '.', '-');
        return i >= 0 ? raw[i] : '/';
    }

    public static bool TryParse(ReadOnlySpan<char> raw, DateOrder order, out DateTime value)
    {
        value = default;
        var s = raw.Trim();
        if (s.Length < 6 || s.Length > 40 || !char.IsAsciiDigit(s[0])) return false;
        int pos = 0;
        if (!ReadInt(s, ref pos, out int a, out int aDigits) || pos >= s.Length) return false;
        char separator = s[pos];
        if (separator is not ('-' or '/' or '.')) return false;
        pos++;
        if (!ReadInt(s, ref pos, out int b, out _) || pos >= s.Length || s[pos] != separator) return false;
        pos++;
        if (!ReadInt(s, ref pos, out int c, out int cDigits)) return false;

        int year, month, day;
        switch (order)
        {
            case DateOrder.Iso when aDigits == 4 && separator == '-': (year, month, day) = (a, b, c); break;
            case DateOrder.DayFirst when aDigits <= 2 && cDigits == 4: (year, month, day) = (c, b, a); break;
            case DateOrder.MonthFirst when aDigits <= 2 && cDigits == 4: (year, month, day) = (c, a, b); break;
            default: return false;
        }
        if (month is < 1 or > 12 || day < 1 || year < 1 || year > 9999 || day > DateTime.DaysInMonth(year, month)) return false;
        var time = TimeSpan.Zero;
        if (pos < s.Length && !TryParseTime(s[(pos + 1)..], s[pos], order, out time)) return false;
        value = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified) + time;
        return true;
    }

    private static bool TryParseTime(ReadOnlySpan<char> s, char lead, DateOrder order, out TimeSpan time)
    {
        time = default;
        if (lead != ' ' && !(lead == 'T' && order == DateOrder.Iso)) return false;
        s = s.Trim();
        bool pm = false, am = false;
        if (s.EndsWith("PM", StringComparison.OrdinalIgnoreCase)) { pm = true; s = s[..^2].TrimEnd(); }
        else if (s.EndsWith("AM", StringComparison.OrdinalIgnoreCase)) { am = true; s = s[..^2].TrimEnd(); }
        if (order == DateOrder.Iso) s = StripZone(s);
        int pos = 0, second = 0;
        double fraction = 0;
        if (!ReadInt(s, ref pos, out int hour, out _) || pos >= s.Length || s[pos] != ':') return false;
        pos++;
        if (!ReadInt(s, ref pos, out int minute, out int minuteDigits) || minuteDigits != 2) return false;
        if (pos < s.Length && s[pos] == ':')
        {
            pos++;
            if (!ReadInt(s, ref pos, out second, out _)) return false;
            if (pos < s.Length && (s[pos] == '.' || s[pos] == ','))
            {
                int start = pos + 1;
                pos = start;
                while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
                if (pos == start
                    || !double.TryParse("0." + s[start..pos].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture,
                    out fraction)) return false;
            }
        }
        if (pos != s.Length) return false;
        if (am || pm)
        {
            if (hour is < 1 or > 12) return false;
            hour = hour % 12 + (pm ? 12 : 0);
        }
        if (hour > 23 || minute > 59 || second > 59) return false;
        time = new TimeSpan(hour, minute, second) + TimeSpan.FromSeconds(fraction);
        return true;
    }

    private static ReadOnlySpan<char> StripZone(ReadOnlySpan<char> s)
    {
        if (s.EndsWith("Z", StringComparison.OrdinalIgnoreCase)) return s[..^1];
        int sign = s.LastIndexOfAny('+', '-');
        return sign > 0 && s.Length - sign is 6 or 5 or 3 ? s[..sign] : s;
    }

    private static bool ReadInt(ReadOnlySpan<char> s, ref int pos, out int value, out int digits)
    {
        value = 0;
        int start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]) && pos - start < 9) value = value * 10 + (s[pos++] - '0');
        digits = pos - start;
        return digits > 0;
    }
}
