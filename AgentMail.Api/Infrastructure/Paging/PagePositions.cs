using System.Buffers.Binary;

namespace AgentMail.Api.Infrastructure.Paging;

/// <summary>What a page token points at: a keyset position (newest first) or an offset.</summary>
public static class PagePositions
{
    public const int KeysetLength = 8 + 16;
    public const int OffsetLength = 4;

    /// <summary>The last row of a page ordered by (time DESC, id DESC): the next page starts after it.</summary>
    public static byte[] Keyset(DateTimeOffset time, Guid id)
    {
        var bytes = new byte[KeysetLength];
        BinaryPrimitives.WriteInt64BigEndian(bytes, time.UtcTicks);
        id.TryWriteBytes(bytes.AsSpan(8), bigEndian: true, out _);
        return bytes;
    }

    public static (DateTimeOffset Time, Guid Id) ReadKeyset(ReadOnlySpan<byte> position)
    {
        var ticks = BinaryPrimitives.ReadInt64BigEndian(position);
        var time = ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : DateTimeOffset.MinValue;
        return (time, new Guid(position.Slice(8, 16), bigEndian: true));
    }

    public static byte[] Offset(int offset)
    {
        var bytes = new byte[OffsetLength];
        BinaryPrimitives.WriteInt32BigEndian(bytes, offset);
        return bytes;
    }

    public static int ReadOffset(ReadOnlySpan<byte> position) => Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(position));
}
