namespace DriftWatch.Ml.Internal;

/// <summary>
/// Alert episode of one detector on one feature: the first window over threshold starts it (and alerts);
/// it ends after a number of quiet windows in a row, so a persisting drift alerts once.
/// </summary>
internal sealed class Episode
{
    private bool _active;
    private int _quiet;

    public bool Active => _active;

    /// <summary>Records a window's verdict; true when it starts a new episode.</summary>
    public bool Update(bool fired, int rearmAfterQuietWindows)
    {
        if (!_active)
        {
            if (fired)
            {
                _active = true;
                _quiet = 0;
                return true;
            }

            return false;
        }

        _quiet = fired ? 0 : _quiet + 1;
        if (_quiet >= rearmAfterQuietWindows)
        {
            _active = false;
        }

        return false;
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_active);
        writer.Write(_quiet);
    }

    public static Episode ReadFrom(BinaryReader reader) => new() { _active = reader.ReadBoolean(), _quiet = reader.ReadInt32() };
}
