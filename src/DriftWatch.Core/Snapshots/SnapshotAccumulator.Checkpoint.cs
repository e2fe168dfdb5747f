using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// The accumulator's exact state, for checkpoints: counts, sketch levels and text counters as they are, so a
/// restored accumulator builds the same snapshot (same content id) as the original would.
/// </summary>
internal sealed partial class SnapshotAccumulator
{
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(EventCount);
        WriteTime(writer, _from);
        WriteTime(writer, _to);
        _agentVersions.WriteTo(writer);
        _stateVersions.WriteTo(writer);
        writer.Write7BitEncodedInt(_categorical.Count);
        foreach (var (feature, table) in _categorical)
        {
            writer.Write(feature);
            table.WriteTo(writer);
        }

        writer.Write7BitEncodedInt(_segments.Count);
        foreach (var (inputFeature, byValue) in _segments)
        {
            writer.Write(inputFeature);
            writer.Write7BitEncodedInt(byValue.Count);
            foreach (var (value, table) in byValue)
            {
                writer.Write(value);
                table.WriteTo(writer);
            }
        }

        writer.Write7BitEncodedInt(_numeric.Count);
        foreach (var (feature, sketch) in _numeric)
        {
            writer.Write(feature);
            writer.Write(sketch.Count);
            writer.Write(sketch.Min);
            writer.Write(sketch.Max);
            writer.Write7BitEncodedInt(sketch.Levels.Count);
            foreach (var level in sketch.Levels)
            {
                writer.WriteDoubles([.. level]);
            }
        }

        writer.Write7BitEncodedInt(_text.Count);
        foreach (var (feature, text) in _text)
        {
            writer.Write(feature);
            text.WriteTo(writer);
        }

        writer.Write7BitEncodedInt(_keysPerFamily.Count);
        foreach (var (family, n) in _keysPerFamily)
        {
            writer.Write(family);
            writer.Write(n);
        }

        _exemplars.WriteTo(writer);
    }

    public void ReadFrom(BinaryReader reader)
    {
        EventCount = reader.ReadInt64();
        _from = ReadTime(reader);
        _to = ReadTime(reader);
        _agentVersions.ReadFrom(reader);
        _stateVersions.ReadFrom(reader);
        int categorical = reader.ReadLength();
        for (int i = 0; i < categorical; i++)
        {
            var table = new CountTable(_options.MaxCategoriesPerFeature);
            _categorical[reader.ReadString()] = table;
            table.ReadFrom(reader);
        }

        int segments = reader.ReadLength();
        for (int i = 0; i < segments; i++)
        {
            var byValue = new Dictionary<string, CountTable>(StringComparer.Ordinal);
            _segments[reader.ReadString()] = byValue;
            int values = reader.ReadLength();
            for (int j = 0; j < values; j++)
            {
                var table = new CountTable(_options.MaxCategoriesPerFeature);
                byValue[reader.ReadString()] = table;
                table.ReadFrom(reader);
            }
        }

        int numeric = reader.ReadLength();
        for (int i = 0; i < numeric; i++)
        {
            string feature = reader.ReadString();
            long count = reader.ReadInt64();
            double min = reader.ReadDouble();
            double max = reader.ReadDouble();
            var levels = new double[reader.ReadLength()][];
            for (int h = 0; h < levels.Length; h++)
            {
                levels[h] = reader.ReadDoubles();
            }

            try
            {
                _numeric[feature] = KllSketch.Restore(_options.SketchK, count, min, max, levels);
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
        }

        int texts = reader.ReadLength();
        for (int i = 0; i < texts; i++)
        {
            var text = new TextAccumulator(_options.TextBuckets, _options.TopTerms);
            _text[reader.ReadString()] = text;
            text.ReadFrom(reader);
        }

        int families = reader.ReadLength();
        for (int i = 0; i < families; i++)
        {
            _keysPerFamily[reader.ReadString()] = reader.ReadInt32();
        }

        _exemplars.ReadFrom(reader);
    }

    private static void WriteTime(BinaryWriter writer, DateTimeOffset? value)
    {
        writer.Write(value is not null);
        if (value is { } time)
        {
            writer.WriteTime(time);
        }
    }

    private static DateTimeOffset? ReadTime(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadTime() : null;
}
