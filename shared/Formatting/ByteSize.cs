using System.Globalization;

namespace MailserverWorkers.Shared.Formatting;

/// <summary>Sizes for people: binary units with one decimal, as <c>du -h</c> and <c>ls -lh</c> print them.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary><c>512 B</c>, <c>1.5 KiB</c>, <c>118.0 MiB</c>, <c>1.1 GiB</c>.</summary>
    public static string Format(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B") : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }
}
