using System.Buffers;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// An answer's bytes in a pooled buffer, with its share of the <see cref="AnswerBudget"/>: both given back on dispose, so
/// answers of tens of MB reuse the same few buffers instead of each leaving a large-object-heap array behind.
/// </summary>
internal sealed class AnswerBody(AnswerBudget.Reader? share) : IDisposable
{
    private byte[] _buffer = [];
    public int Length { get; private set; }
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>Reads the stream to its end; false (and nothing kept) once it passes <paramref name="limit"/> bytes.</summary>
    public bool ReadFrom(Stream stream, long? expected, long limit, CancellationToken cancellationToken)
    {
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(expected ?? 0, 64 * 1024, limit + 1));
        while (true)
        {
            if (Length == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, limit + 1));
                _buffer.AsSpan(0, Length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            var read = stream.Read(_buffer, Length, Math.Min(_buffer.Length - Length, 81920));
            if (read == 0)
                return true;
            share?.Take(read, cancellationToken);
            Length += read;
            if (Length > limit)
            {
                Dispose();
                return false;
            }
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
        share?.Dispose();
    }
}
