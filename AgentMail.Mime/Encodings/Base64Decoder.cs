using System.Buffers;
using System.Buffers.Text;

namespace AgentMail.Mime.Encodings;

/// <summary>
/// Incremental, tolerant base64 decoder. RFC 2045 §6.8: characters outside the alphabet are
/// ignored, and "=" is taken as the end of the data; we flush the partial quantum there and
/// carry on, so concatenated padded blobs ("QQ==QQ==") and missing padding both decode.
/// A lone trailing sextet (6 bits) cannot form an octet and is dropped.
/// </summary>
internal struct Base64Decoder
{
    internal static readonly SearchValues<byte> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    private static readonly sbyte[] Map = BuildMap();

    private int _bits;
    private int _count; // sextets in the current quantum, 0..3

    /// <summary>Maximum output for <paramref name="inputLength"/> input bytes (plus a flush).</summary>
    public static int MaxDecodedLength(int inputLength) => inputLength / 4 * 3 + 3;

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns bytes written.</summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        var i = 0;
        while (i < input.Length)
        {
            if (_count == 0)
            {
                var run = input[i..].IndexOfAnyExcept(Alphabet);
                if (run < 0) run = input.Length - i;
                var whole = run & ~3;
                if (whole >= 4)
                {
                    Base64.DecodeFromUtf8(input.Slice(i, whole), output[written..], out var consumed, out var produced, isFinalBlock: false);
                    i += consumed;
                    written += produced;
                    if (i >= input.Length) break;
                }
            }
            var b = input[i++];
            var value = Map[b];
            if (value >= 0)
            {
                _bits = (_bits << 6) | (byte)value;
                if (++_count == 4)
                {
                    output[written] = (byte)(_bits >> 16);
                    output[written + 1] = (byte)(_bits >> 8);
                    output[written + 2] = (byte)_bits;
                    written += 3;
                    _bits = 0;
                    _count = 0;
                }
            }
            else if (b == '=')
            {
                written += Flush(output[written..]);
            }
        }
        return written;
    }

    /// <summary>Ends the data: a partial quantum without padding is flushed as if padded.</summary>
    public int Flush(Span<byte> output)
    {
        var written = 0;
        if (_count == 2)
        {
            output[0] = (byte)(_bits >> 4);
            written = 1;
        }
        else if (_count == 3)
        {
            output[0] = (byte)(_bits >> 10);
            output[1] = (byte)(_bits >> 2);
            written = 2;
        }
        _bits = 0;
        _count = 0;
        return written;
    }

    /// <summary>Counts the octets <see cref="Decode"/> would produce, without producing them.</summary>
    public long Count(ReadOnlySpan<byte> input)
    {
        long total = 0;
        var i = 0;
        while (i < input.Length)
        {
            var run = input[i..].IndexOfAnyExcept(Alphabet);
            if (run < 0) run = input.Length - i;
            var sextets = _count + run;
            total += sextets / 4 * 3;
            _count = sextets % 4;
            i += run;
            if (i >= input.Length) break;
            if (input[i++] == '=') total += FlushCount();
        }
        return total;
    }

    /// <summary>The octets a flush would produce at this point (and resets the quantum).</summary>
    public int FlushCount()
    {
        var produced = _count switch { 2 => 1, 3 => 2, _ => 0 };
        _bits = 0;
        _count = 0;
        return produced;
    }

    private static sbyte[] BuildMap()
    {
        var map = new sbyte[256];
        Array.Fill(map, (sbyte)-1);
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;
        for (var i = 0; i < alphabet.Length; i++) map[alphabet[i]] = (sbyte)i;
        return map;
    }
}
