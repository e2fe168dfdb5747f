namespace DriftWatch.Core.Detection.Checkpoints;

/// <summary>
/// Primitive encodings shared by every checkpoint writer and reader: little-endian binary, exact doubles
/// (a restored state must decide exactly as the original would), length-prefixed arrays and nullable strings.
/// </summary>
internal static class CheckpointIO
{
    // Arrays and strings longer than this mean a corrupt record, not a real state.
    private const int MaxLength = 1 << 20;

    public static void WriteTime(this BinaryWriter writer, DateTimeOffset value)
    {
        writer.Write(value.Ticks);
        writer.Write((short)value.Offset.TotalMinutes);
    }

    public static DateTimeOffset ReadTime(this BinaryReader reader)
    {
        long ticks = reader.ReadInt64();
        short minutes = reader.ReadInt16();
        return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
    }

    public static void WriteNullable(this BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    public static string? ReadNullableString(this BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    public static void WriteDoubles(this BinaryWriter writer, ReadOnlySpan<double> values)
    {
        writer.Write7BitEncodedInt(values.Length);
        foreach (double value in values)
        {
            writer.Write(value);
        }
    }

    public static double[] ReadDoubles(this BinaryReader reader)
    {
        int length = ReadLength(reader);
        var values = new double[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadDouble();
        }

        return values;
    }

    public static void WriteStrings(this BinaryWriter writer, IReadOnlyList<string?> values)
    {
        writer.Write7BitEncodedInt(values.Count);
        foreach (string? value in values)
        {
            writer.WriteNullable(value);
        }
    }

    public static string?[] ReadStrings(this BinaryReader reader)
    {
        int length = ReadLength(reader);
        var values = new string?[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadNullableString();
        }

        return values;
    }

    public static int ReadLength(this BinaryReader reader)
    {
        int length = reader.Read7BitEncodedInt();
        return length is < 0 or > MaxLength
            ? throw new InvalidDataException($"Checkpoint length {length} is out of range.")
            : length;
    }
}
