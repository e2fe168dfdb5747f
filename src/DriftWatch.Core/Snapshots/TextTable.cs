using System.Text;

namespace DriftWatch.Core.Snapshots;

/// <summary>Plain-text tables for reports: columns padded to their widest cell, the last column left ragged.</summary>
internal static class TextTable
{
    /// <summary>Appends <paramref name="rows"/> (header first); <paramref name="numeric"/> columns are right-aligned.</summary>
    internal static void Append(StringBuilder text, IReadOnlyList<string[]> rows, IReadOnlyList<bool> numeric)
    {
        var columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(col => rows.Max(row => row[col].Length)).ToArray();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var col = 0; col < row.Length; col++)
            {
                var cell = col == row.Length - 1 ? row[col] : numeric[col] ? row[col].PadLeft(widths[col]) : row[col].PadRight(widths[col]);
                line.Append(cell);
                if (col < row.Length - 1)
                {
                    line.Append("  ");
                }
            }

            text.AppendLine(line.ToString().TrimEnd());
        }
    }
}
