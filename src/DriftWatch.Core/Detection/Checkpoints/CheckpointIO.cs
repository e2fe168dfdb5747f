using System.IO.Compression;
using System.Text;

namespace DriftWatch.Core.Detection.Checkpoints;

/// <summary>
/// Primitive encodings shared by every checkpoint writer and reader: little-endian binary, exact doubles
/// (a restored state must decide exactly as the original would), length-prefixed arrays and nullable strings.
/// </summary>
internal static class CheckpointIO
{
    // Arrays and strings longer than this mean a corrupt record, not a real state.
    private const int MaxLength = 1 << 20;
    private const int MaxSectionLength = 1 << 26;

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

    /// <summary>
    /// Writes what <paramref name="body"/> writes as one Brotli-compressed, length-prefixed section: detector
    /// states hold text samples, sketches and sparse counters, which shrink several times.
    /// </summary>
    public static void WriteCompressed(this BinaryWriter writer, Action<BinaryWriter> body)
    {
        using var plain = new MemoryStream();
        using (var plainWriter = new BinaryWriter(plain, Encoding.UTF8, leaveOpen: true))
        {
            body(plainWriter);
        }

        using var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(plain.GetBuffer(), 0, (int)plain.Length);
        }

        writer.Write7BitEncodedInt((int)plain.Length);
        writer.Write7BitEncodedInt((int)compressed.Length);
        writer.Write(compressed.GetBuffer(), 0, (int)compressed.Length);
    }

    /// <summary>Reads a section written by <see cref="WriteCompressed"/>; <paramref name="body"/> must read all of it.</summary>
    public static void ReadCompressed(this BinaryReader reader, Action<BinaryReader> body, string what)
    {
        // Sections may exceed the array limit (a detector's reference rows), but not absurdly.
        int length = reader.Read7BitEncodedInt();
        int compressedLength = reader.Read7BitEncodedInt();
        if (length is < 0 or > MaxSectionLength || compressedLength is < 0 or > MaxSectionLength)
        {
            throw new InvalidDataException($"Section length {length} ({compressedLength} compressed) of {what} is out of range.");
        }

        byte[] compressed = reader.ReadBytes(compressedLength);
        if (compressed.Length != compressedLength)
        {
            throw new EndOfStreamException();
        }

        var plain = new byte[length];
        using (var brotli = new BrotliStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress))
        {
            brotli.ReadExactly(plain);
            if (brotli.ReadByte() >= 0)
            {
                throw new InvalidDataException($"{what} is longer than recorded.");
            }
        }

        using var stream = new MemoryStream(plain, writable: false);
        using var plainReader = new BinaryReader(stream, Encoding.UTF8);
        body(plainReader);
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{stream.Length - stream.Position} unexpected bytes after {what}.");
        }
    }

    public static int ReadLength(this BinaryReader reader)
    {
        int length = reader.Read7BitEncodedInt();
        return length is < 0 or > MaxLength
            ? throw new InvalidDataException($"Checkpoint length {length} is out of range.")
            : length;
    }
}
