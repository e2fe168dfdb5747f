namespace DriftWatch.Ml.Embeddings;

/// <summary>Turns texts into fixed-length vectors, one model call per batch.</summary>
internal interface ITextEmbedder : IDisposable
{
    int Dimension { get; }

    /// <summary>One vector per text, in order.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
