namespace DriftWatch.Simulation.Internal;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own generator rather than System.Random so a seed gives the
/// same fleet on every runtime version, and so independent streams (timing, content, ids) can be derived
/// from one seed without one stream's consumption shifting another's.
/// </summary>
internal sealed class SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A stream seed that depends on every part, so streams of different agents never coincide.</summary>
    public static ulong Derive(long seed, int agentIndex, ulong stream, int extra = 0)
    {
        var x = unchecked((ulong)seed);
        var h = SplitMix64(ref x);
        x = h ^ unchecked((ulong)agentIndex * 0xD1B54A32D192ED03UL);
        h = SplitMix64(ref x);
        x = h ^ stream;
        h = SplitMix64(ref x);
        x = h ^ unchecked((ulong)extra * 0x8CB92BA72F3D8DD7UL);
        return SplitMix64(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => (int)((NextUInt64() >> 33) * (ulong)maxExclusive >> 31);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal by Box-Muller; one value per call keeps the stream easy to reason about.</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    public double NextLogNormal(double median, double sigma) => median * Math.Exp(sigma * NextGaussian());

    public T Pick<T>(T[] items) => items[Next(items.Length)];

    /// <summary>A version-4 style GUID string built from this stream, so event ids are reproducible.</summary>
    public string NextEventId()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, NextUInt64());
        BitConverter.TryWriteBytes(bytes[8..], NextUInt64());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
