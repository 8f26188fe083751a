using System.Buffers;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// An answer's bytes in pooled 1 MiB segments, with its share of the <see cref="AnswerBudget"/>: both given back on dispose.
/// Segments, not one array, so an answer of 11 MB holds 11 MiB (not the 16 MiB power of two a single rented array would
/// be), and the pool keeps small arrays the GC can trim instead of a few of 32 and 64 MiB kept for good.
/// </summary>
internal sealed class AnswerBody(AnswerBudget.Reader? share) : IDisposable
{
    private const int SegmentSize = 1024 * 1024;
    private readonly List<byte[]> _segments = [];
    private int _last; // bytes used in the last segment

    public long Length { get; private set; }

    /// <summary>The bytes read, as one sequence over the segments.</summary>
    public ReadOnlySequence<byte> Bytes
    {
        get
        {
            if (_segments.Count == 0)
                return ReadOnlySequence<byte>.Empty;
            if (_segments.Count == 1)
                return new ReadOnlySequence<byte>(_segments[0], 0, _last);
            var first = new ByteSegment(_segments[0].AsMemory(), 0);
            var end = first;
            for (var i = 1; i < _segments.Count; i++)
                end = end.Append(_segments[i].AsMemory(0, i == _segments.Count - 1 ? _last : SegmentSize));
            return new ReadOnlySequence<byte>(first, 0, end, end.Memory.Length);
        }
    }

    /// <summary>Reads the stream to its end; false (and nothing kept) once it passes <paramref name="limit"/> bytes.</summary>
    public bool ReadFrom(Stream stream, long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_segments.Count == 0 || _last == SegmentSize)
            {
                _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
                _last = 0;
            }
            var segment = _segments[^1];
            var read = stream.Read(segment, _last, SegmentSize - _last);
            if (read == 0)
                return true;
            share?.Take(read, cancellationToken);
            _last += read;
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
        foreach (var segment in _segments)
            ArrayPool<byte>.Shared.Return(segment);
        _segments.Clear();
        _last = 0;
        Length = 0;
        share?.Dispose();
    }
}
