using System.Buffers.Binary;
using System.IO.Compression;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>
/// Decodes the pixels of an 8-bit RGB or RGBA PNG (what Chromium writes for screenshots), enough to check
/// that a render is not blank and which colours it contains.
/// </summary>
internal sealed class PngPixels
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private PngPixels(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    public static PngPixels Decode(byte[] png)
    {
        if (!png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG file.");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    var bitDepth = data[8];
                    var colourType = data[9];
                    var interlace = data[12];
                    if (bitDepth != 8 || interlace != 0 || colourType is not (2 or 6))
                    {
                        throw new InvalidDataException($"Unsupported PNG: depth {bitDepth}, colour type {colourType}, interlace {interlace}.");
                    }

                    channels = colourType == 6 ? 4 : 3;
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            offset += 12 + length;
        }

        idat.Position = 0;
        using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        return new PngPixels(width, height, channels, Unfilter(raw.ToArray(), width, height, channels));
    }

    /// <summary>Distinct colours (RGB, alpha ignored).</summary>
    public int DistinctColours()
    {
        var colours = new HashSet<int>();
        for (var i = 0; i < Pixels.Length; i += Channels)
        {
            colours.Add(Pixels[i] << 16 | Pixels[i + 1] << 8 | Pixels[i + 2]);
        }

        return colours.Count;
    }

    /// <summary>Pixels within <paramref name="tolerance"/> per channel of the given colour.</summary>
    public int CountNear(int rgb, int tolerance = 6)
    {
        int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        var n = 0;
        for (var i = 0; i < Pixels.Length; i += Channels)
        {
            if (Math.Abs(Pixels[i] - r) <= tolerance && Math.Abs(Pixels[i + 1] - g) <= tolerance && Math.Abs(Pixels[i + 2] - b) <= tolerance)
            {
                n++;
            }
        }

        return n;
    }

    private static byte[] Unfilter(byte[] data, int width, int height, int channels)
    {
        var stride = width * channels;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = data[y * (stride + 1)];
            var source = data.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var previous = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var x = 0; x < stride; x++)
            {
                int left = x >= channels ? row[x - channels] : 0;
                int up = previous[x];
                int upLeft = x >= channels ? previous[x - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter}."),
                };
                row[x] = (byte)(source[x] + predictor);
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
