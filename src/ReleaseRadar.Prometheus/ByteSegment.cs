using System.Buffers;

namespace ReleaseRadar.Prometheus;

/// <summary>One piece of a <see cref="ReadOnlySequence{T}"/> of bytes held in several arrays; <see cref="Append"/> chains the next.</summary>
public sealed class ByteSegment : ReadOnlySequenceSegment<byte>
{
    public ByteSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public ByteSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ByteSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}
