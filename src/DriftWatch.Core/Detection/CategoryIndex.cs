namespace DriftWatch.Core.Detection;

/// <summary>
/// Maps category labels to dense indices in first-seen order (deterministic for a given event order),
/// up to a cap; later labels share the last index, "(other)", so state stays bounded.
/// </summary>
internal sealed class CategoryIndex(int capacity)
{
    public const string OtherLabel = "(other)";

    private readonly KeyedSlots<int> _indices = new();
    private readonly List<string> _labels = [];

    /// <summary>Index of the "(other)" bucket; also the largest index handed out.</summary>
    public int OtherIndex => capacity;

    /// <summary>Slots a count array needs to hold every index handed out so far.</summary>
    public int Slots => _labels.Count == capacity ? capacity + 1 : _labels.Count;

    public int IndexOf(string label)
    {
        if (_indices.TryGetValue(label, out int index))
        {
            return index;
        }

        if (_labels.Count >= capacity || label == OtherLabel)
        {
            return capacity;
        }

        index = _labels.Count;
        _labels.Add(label);
        _indices.Add(label, index);
        return index;
    }

    public string LabelOf(int index) => index < _labels.Count ? _labels[index] : OtherLabel;

    /// <summary>The labels in index order, for checkpoints.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Hands out the checkpointed labels again, in their order, so every index means what it meant.</summary>
    public void Restore(IEnumerable<string?> labels)
    {
        if (_labels.Count > 0)
        {
            throw new InvalidOperationException("A category index can only be restored while empty.");
        }

        foreach (string? label in labels)
        {
            if (label is null || IndexOf(label) != _labels.Count - 1)
            {
                throw new InvalidDataException("Checkpointed category labels are not distinct.");
            }
        }
    }
}
